/**
 * The single-table key design, declared once. The CDK table (lib/) and the local table (local/) are both
 * built from `tableDesign`; every key the code writes or queries is built by `keys` below, so the whole key
 * design of the system can be read in this one file.
 *
 * Entities (PK / SK):
 * - seed marker                SYSTEM / SEED#<version>         written once by the local demo seed
 */

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface GlobalIndexDesign {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
}

export interface TableDesign {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly globalIndexes: readonly GlobalIndexDesign[];
  /** Epoch seconds. DynamoDB deletes expired items late (up to days in AWS): reads treat `expiresAt < now` as absent. */
  readonly timeToLiveAttribute: string;
  /** The stream relays outbox items to the mail function (DESIGN.md decision 7). */
  readonly stream: 'NEW_AND_OLD_IMAGES';
}

export const tableDesign: TableDesign = {
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalIndexes: [
    {
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: 'S' },
      sortKey: { name: 'GSI1SK', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
};

/** The key of an item in the base table. */
export interface ItemKey {
  readonly PK: string;
  readonly SK: string;
}

export const keys = {
  seedMarker: (version: string): ItemKey => ({ PK: 'SYSTEM', SK: `SEED#${version}` }),
};
