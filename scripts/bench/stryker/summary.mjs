// Prints the counts, the mutation score and every mutant that was not killed, from Stryker's JSON report.
//   node scripts/bench/stryker/summary.mjs <mutation.json>
import { readFileSync } from 'node:fs';

const [reportFile] = process.argv.slice(2);
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
const counts = {};
const notKilled = [];
for (const [file, { mutants }] of Object.entries(report.files)) {
  for (const mutant of mutants) {
    counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
    if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
      const { line, column } = mutant.location.start;
      notKilled.push(
        `  ${mutant.status.padEnd(10)} ${file}:${line}:${column} ${
          mutant.mutatorName
        } → ${JSON.stringify(mutant.replacement ?? '')}`,
      );
    }
  }
}
const n = status => counts[status] ?? 0;
const detected = n('Killed') + n('Timeout');
const valid = detected + n('Survived') + n('NoCoverage');
console.log(notKilled.length ? `Not killed:\n${notKilled.join('\n')}` : '');
console.log(
  `killed ${n('Killed')}, timeout ${n('Timeout')}, survived ${n(
    'Survived',
  )}, no coverage ${n('NoCoverage')}, ignored ${n('Ignored')}, errors ${
    n('RuntimeError') + n('CompileError')
  }`,
);
console.log(
  `MUTATION SCORE ${
    valid ? ((100 * detected) / valid).toFixed(2) : 'n/a'
  }% (${detected} of ${valid} detected)`,
);
