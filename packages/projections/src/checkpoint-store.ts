/**
 * Per projection collection (`name_vN`) and partition, the position of the last applied event.
 * Prove adapters with `checkpointStoreContract` from `@ordo/projections/testing`.
 */
export interface CheckpointStore {
  /** Checkpoints by partition; partitions never committed are absent (read them as 0). */
  load(collection: string): Promise<ReadonlyMap<number, number>>;
  /** Never moves a checkpoint backwards: a lower position than the stored one is ignored. */
  save(collection: string, partition: number, position: number): Promise<void>;
  /** Forgets every checkpoint of a collection (after a drop, or to replay from scratch). */
  clear(collection: string): Promise<void>;
}
