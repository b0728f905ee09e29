// The Block-STM scheduler driven by hand on one thread: the order it hands out executions and
// validations, what a failed validation and a dependency on an unfinished transaction do, an
// execution order other than block order, and the end of the block.
import assert from "node:assert/strict";
import { test } from "node:test";
import { NO_TASK, Scheduler, TaskKind, taskIncarnation, taskKind, taskTx } from "../../../src/exec/parallel/scheduler.js";

type Event = string; // "E1.0": execution of tx 1, incarnation 0; "V1.0": its validation; "A1.0": an abort

interface Script {
  /** Whether an execution wrote a location the previous incarnation did not (default true). */
  wroteNew?: (tx: number, incarnation: number) => boolean;
  /** A lower transaction this execution reads an estimate of, or -1 (default -1). */
  blockedOn?: (tx: number, incarnation: number) => number;
  /** Whether a validation passes (default true). */
  valid?: (tx: number, incarnation: number) => boolean;
}

/** Runs the scheduler to the end as a single executor would; returns what it was told to do, in order. */
function drive(s: Scheduler, script: Script = {}): Event[] {
  const events: Event[] = [];
  let task = NO_TASK;
  for (let steps = 0; steps < 10_000; steps++) {
    if (s.done()) return events;
    if (task === NO_TASK) task = s.nextTask();
    if (task === NO_TASK) continue;
    const tx = taskTx(task);
    const incarnation = taskIncarnation(task);
    if (taskKind(task) === TaskKind.Execute) {
      const blocking = script.blockedOn?.(tx, incarnation) ?? -1;
      if (blocking >= 0 && s.addDependency(tx, blocking)) {
        events.push(`B${tx}.${incarnation}`);
        task = NO_TASK;
        continue;
      }
      events.push(`E${tx}.${incarnation}`);
      task = s.finishExecution(tx, incarnation, script.wroteNew?.(tx, incarnation) ?? true);
    } else {
      events.push(`V${tx}.${incarnation}`);
      const aborted = !(script.valid?.(tx, incarnation) ?? true) && s.tryValidationAbort(tx, incarnation);
      if (aborted) events.push(`A${tx}.${incarnation}`);
      task = s.finishValidation(tx, aborted);
    }
  }
  throw new Error(`no end after 10,000 steps: ${events.slice(-20).join(" ")}`);
}

const executions = (events: Event[]): Event[] => events.filter((e) => e.startsWith("E"));

test("independent transactions: each executes once, in block order, and is validated after it executed; then the block is done", () => {
  const s = Scheduler.create(4);
  const events = drive(s);
  assert.deepEqual(executions(events), ["E0.0", "E1.0", "E2.0", "E3.0"]);
  for (let tx = 0; tx < 4; tx++) {
    const executed = events.indexOf(`E${tx}.0`);
    assert.ok(events.indexOf(`V${tx}.0`, executed) > executed, `tx ${tx} validated after its execution: ${events.join(" ")}`);
  }
  assert.ok(s.done() && !s.halted());
  for (let tx = 0; tx < 4; tx++) assert.ok(s.isExecuted(tx));
});

test("a failed validation: the transaction runs again as its next incarnation, and every higher one is validated again after it", () => {
  const s = Scheduler.create(4);
  let failed = false;
  const events = drive(s, {
    valid: (tx, inc) => {
      if (tx === 1 && inc === 0 && !failed) return !(failed = true);
      return true;
    },
  });
  assert.ok(events.includes("A1.0"), events.join(" "));
  const reexecuted = events.indexOf("E1.1");
  assert.ok(reexecuted > events.indexOf("A1.0"), `tx 1 runs again after its abort: ${events.join(" ")}`);
  for (const tx of [2, 3]) {
    const last = events.lastIndexOf(`V${tx}.0`);
    assert.ok(last > reexecuted, `tx ${tx} validated again after tx 1's new incarnation: ${events.join(" ")}`);
  }
  assert.deepEqual(executions(events).filter((e) => e !== "E1.1"), ["E0.0", "E1.0", "E2.0", "E3.0"], "nothing else runs again");
  assert.equal(s.incarnationOf(1), 1);
  assert.ok(s.done());
});

test("an incarnation that wrote nothing new validates itself; one that did sends the validation index back to it", () => {
  const quiet = Scheduler.create(3);
  const quietEvents = drive(quiet, { wroteNew: () => false });
  const loud = Scheduler.create(3);
  const loudEvents = drive(loud, { wroteNew: () => true });
  for (const events of [quietEvents, loudEvents]) for (let tx = 0; tx < 3; tx++) assert.ok(events.includes(`V${tx}.0`), events.join(" "));
  assert.ok(quiet.done() && loud.done());
});

test("a dependency: a transaction that read an estimate of an unfinished lower one waits, then runs as its next incarnation once that one executed", () => {
  const s = Scheduler.create(3);
  // Handed out in order 0, 1, 2 before any finishes (validations of unfinished ones come back empty).
  const handed: number[] = [];
  for (let i = 0; i < 20 && handed.length < 3; i++) {
    const t = s.nextTask();
    if (t !== NO_TASK) {
      assert.equal(taskKind(t), TaskKind.Execute);
      handed.push(taskTx(t));
    }
  }
  assert.deepEqual(handed, [0, 1, 2]);
  // tx 2 reads an estimate of tx 1.
  assert.equal(s.addDependency(2, 1), true, "tx 1 has not executed: tx 2 waits");
  assert.equal(s.isExecuted(2), false);
  // tx 1 finishes: tx 2 is ready again with the next incarnation, and the execution index comes back to it.
  s.finishExecution(0, 0, true);
  s.finishExecution(1, 0, true);
  const events = drive(s);
  assert.ok(events.includes("E2.1"), `tx 2 runs as incarnation 1: ${events.join(" ")}`);
  assert.ok(!events.includes("E2.0"));
  assert.equal(s.addDependency(2, 1), false, "a dependency on an executed transaction is refused (the caller runs again at once)");
  assert.ok(s.done());
});

test("highestUnexecutedBelow: the highest lower transaction not executed yet, -1 once all below have executed", () => {
  const s = Scheduler.create(6);
  const handed: number[] = [];
  for (let i = 0; i < 40 && handed.length < 6; i++) {
    const t = s.nextTask();
    if (t !== NO_TASK && taskKind(t) === TaskKind.Execute) handed.push(taskTx(t));
  }
  assert.deepEqual(handed, [0, 1, 2, 3, 4, 5]);
  assert.equal(s.highestUnexecutedBelow(0), -1, "nothing below the first");
  assert.equal(s.highestUnexecutedBelow(4), 3);
  s.finishExecution(0, 0, false);
  s.finishExecution(1, 0, false);
  assert.equal(s.highestUnexecutedBelow(2), -1, "0 and 1 executed");
  assert.equal(s.highestUnexecutedBelow(5), 4);
  // Out of order: 3 and 4 executed, 2 not.
  s.finishExecution(3, 0, false);
  s.finishExecution(4, 0, false);
  assert.equal(s.highestUnexecutedBelow(5), 2, "the highest unexecuted below 5 is 2, under executed 3 and 4");
  assert.equal(s.highestUnexecutedBelow(3), 2);
  s.finishExecution(2, 0, false);
  assert.equal(s.highestUnexecutedBelow(5), -1);
  assert.equal(s.highestUnexecutedBelow(6), 5);
  assert.equal(new Scheduler(s.buffer, 6).highestUnexecutedBelow(6), 5, "another executor's view of the same block");
});

test("an execution order: executions follow it; validations stay in block order, each after its transaction executed", () => {
  const order = [3, 1, 4, 0, 2];
  const s = Scheduler.create(5, "block", order);
  const events = drive(s);
  assert.deepEqual(executions(events), order.map((tx) => `E${tx}.0`));
  const validations = events.filter((e) => e.startsWith("V")).map((e) => Number(e.slice(1, e.indexOf("."))));
  const firsts = validations.filter((tx, i) => validations.indexOf(tx) === i);
  assert.deepEqual(firsts, [0, 1, 2, 3, 4], `first validations in block order: ${events.join(" ")}`);
  for (let tx = 0; tx < 5; tx++) assert.ok(events.indexOf(`V${tx}.0`) > events.indexOf(`E${tx}.0`));
  assert.ok(s.done());
});

test("an execution order with a failed validation and a dependency: the block still ends with every transaction executed and validated", () => {
  const order = [4, 3, 2, 1, 0];
  const s = Scheduler.create(5, "block", order);
  let failed = false;
  const events = drive(s, {
    // tx 3 runs before tx 1 and reads its estimate once; tx 2's first validation fails.
    blockedOn: (tx, inc) => (tx === 3 && inc === 0 && !s.isExecuted(1) ? 1 : -1),
    valid: (tx, inc) => !(tx === 2 && inc === 0 && !failed && (failed = true)),
  });
  assert.ok(events.includes("B3.0") && events.includes("A2.0"), events.join(" "));
  assert.ok(events.indexOf("E3.1") > events.indexOf("E1.0"), `tx 3 runs after tx 1: ${events.join(" ")}`);
  assert.ok(events.indexOf("E2.1") > events.indexOf("A2.0"));
  assert.ok(s.done());
  for (let tx = 0; tx < 5; tx++) assert.ok(s.isExecuted(tx));
});

test("a bad execution order is refused; a fresh scheduler on a reused buffer forgets the previous order", () => {
  assert.throws(() => Scheduler.create(3, "block", [0, 1]), /execution order of 2 transactions, but the block has 3/);
  assert.throws(() => Scheduler.create(3, "block", [0, 1, 1]), /entry 2 \(1\) is not a transaction, or repeats one/);
  assert.throws(() => Scheduler.create(3, "block", [0, 1, 3]), /entry 2 \(3\)/);
  Scheduler.create(3, "block", [2, 1, 0]);
  const plain = Scheduler.create(3);
  assert.deepEqual(executions(drive(plain)), ["E0.0", "E1.0", "E2.0"]);
});

test("halt ends the block at once, as abandoned", () => {
  const s = Scheduler.create(3);
  s.nextTask();
  s.halt();
  assert.ok(s.done() && s.halted());
});
