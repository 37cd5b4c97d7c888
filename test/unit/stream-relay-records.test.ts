import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { retryPoint, toLambdaRecord } from '../../local/relay/table-stream';

const streamArn = 'arn:aws:dynamodb:ddblocal:000000000000:table/dropin/stream/2027-03-28T00:00:00.000';

describe('a stream record as the local relay delivers it', () => {
  it('has the shape Lambda gives it: epoch seconds, base64 binaries, the stream as source, the region', () => {
    const record: StreamRecord = {
      eventID: 'e-1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2027-03-28T01:59:00Z'),
        Keys: { PK: { S: 'OUTBOX#m-1' }, SK: { S: 'MAIL' } },
        NewImage: {
          PK: { S: 'OUTBOX#m-1' },
          SK: { S: 'MAIL' },
          blob: { B: new Uint8Array([1, 2, 3]) },
          nested: { M: { list: { L: [{ N: '1' }, { BS: [new Uint8Array([255])] }] } } },
          // How DynamoDB Local's stream renders an empty map.
          data: {} as never,
        },
        SequenceNumber: '000000000000000000042',
        SizeBytes: 64,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };

    expect(toLambdaRecord(record, streamArn, 'eu-west-1')).toEqual({
      eventID: 'e-1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      eventSourceARN: streamArn,
      dynamodb: {
        ApproximateCreationDateTime: Date.parse('2027-03-28T01:59:00Z') / 1000,
        Keys: { PK: { S: 'OUTBOX#m-1' }, SK: { S: 'MAIL' } },
        NewImage: {
          PK: { S: 'OUTBOX#m-1' },
          SK: { S: 'MAIL' },
          blob: { B: 'AQID' },
          nested: { M: { list: { L: [{ N: '1' }, { BS: ['/w=='] }] } } },
          data: { M: {} },
        },
        SequenceNumber: '000000000000000000042',
        SizeBytes: 64,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  });

  it('carries the service identity of a removal by TTL', () => {
    const record: StreamRecord = {
      eventName: 'REMOVE',
      dynamodb: { SequenceNumber: '7' },
      userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
    };

    expect(toLambdaRecord(record, streamArn, 'eu-west-1').userIdentity).toEqual({
      type: 'Service',
      principalId: 'dynamodb.amazonaws.com',
    });
  });
});

describe('reading a partial batch response as Lambda does', () => {
  const batch: DynamoDBRecord[] = ['10', '11', '12'].map((SequenceNumber) => ({
    dynamodb: { SequenceNumber },
  }));

  it('takes no response, an empty list or no list as the whole batch done', () => {
    expect(retryPoint(batch, undefined)).toBeUndefined();
    expect(retryPoint(batch, { batchItemFailures: [] })).toBeUndefined();
    expect(retryPoint(batch, {})).toBeUndefined();
  });

  it('retries from the earliest failed record', () => {
    expect(
      retryPoint(batch, { batchItemFailures: [{ itemIdentifier: '12' }, { itemIdentifier: '11' }] }),
    ).toBe(1);
  });

  it('retries the whole batch when a failure names no record of it', () => {
    expect(retryPoint(batch, { batchItemFailures: [{ itemIdentifier: '99' }] })).toBe(0);
    expect(retryPoint(batch, { batchItemFailures: [{ itemIdentifier: '' }] })).toBe(0);
    expect(retryPoint(batch, { batchItemFailures: [{}] })).toBe(0);
  });
});
