// Errors of block execution shared by every executor.

/** A block that cannot be executed: an invalid transaction, or input the block needs but lacks. */
export class BlockExecutionError extends Error {
  constructor(message: string, readonly txIndex: number | null = null) {
    super(message);
    this.name = "BlockExecutionError";
  }
}
