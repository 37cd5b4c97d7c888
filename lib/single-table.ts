import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { KeyAttribute, TableDesign } from '../functions/adapters/dynamo/table-design';

export interface SingleTableProps {
  /** The key design the table is built from; the local table is built from the same one. */
  readonly design: TableDesign;
}

const attribute = (key: KeyAttribute): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

/**
 * The one DynamoDB table of the system, built from the key design in functions/ so AWS and the local twin
 * cannot drift apart. It holds people's data: point-in-time recovery, deletion protection, and it outlives
 * the stack.
 */
export class SingleTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: SingleTableProps) {
    super(scope, id);
    const { design } = props;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: attribute(design.partitionKey),
      sortKey: attribute(design.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: design.timeToLiveAttribute,
      stream: dynamodb.StreamViewType[design.stream],
    });

    for (const index of design.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
