// A small TAP producer: each test prints `ok N - name`, `not ok N - name`
// (with the error as a YAML-ish diagnostic), `ok N - name # SKIP reason`, or
// `not ok N - name # TODO reason` for a known server gap (not a failure).
// The last line is the plain summary "N passed, N failed, N skipped".

export class Skip extends Error {}
export const state = { current: '' };
export class Todo extends Error {}

export function skip(reason) {
  throw new Skip(reason);
}

export function todo(reason) {
  throw new Todo(reason);
}

export async function runAll(tests, { filter } = {}) {
  const chosen = filter ? tests.filter((t) => t.name.includes(filter)) : tests;
  let n = 0;
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  console.log('TAP version 13');
  console.log(`1..${chosen.length}`);
  for (const t of chosen) {
    n++;
    const started = Date.now();
    state.current = t.name;
    try {
      await t.fn();
      counts.passed++;
      console.log(`ok ${n} - ${t.name}`);
    } catch (e) {
      if (e instanceof Skip) {
        counts.skipped++;
        console.log(`ok ${n} - ${t.name} # SKIP ${e.message}`);
      } else if (e instanceof Todo) {
        counts.todo++;
        console.log(`not ok ${n} - ${t.name} # TODO ${e.message}`);
      } else {
        counts.failed++;
        console.log(`not ok ${n} - ${t.name}`);
        console.log('  ---');
        for (const line of String(e && e.stack ? e.stack : e).split('\n').slice(0, 12)) console.log(`  # ${line}`);
        console.log('  ...');
      }
    }
    console.log(`# ${t.name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (counts.todo) console.log(`# ${counts.todo} known server gap(s) marked TODO`);
  console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  return counts;
}
