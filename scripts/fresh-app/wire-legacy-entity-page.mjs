#!/usr/bin/env node
// Wires the Environments card and tab into a legacy-frontend-system app's EntityPage.tsx exactly as the
// frontend plugin README's step 2 shows: the import, the card in overviewContent, the tab in
// serviceEntityPage after the Kubernetes tab.
//   node wire-legacy-entity-page.mjs <packages/app/src/components/catalog/EntityPage.tsx>
import { readFileSync, writeFileSync } from 'node:fs';

const [file] = process.argv.slice(2);
let source = readFileSync(file, 'utf8');

const insertAfter = (anchor, text) => {
  const at = source.indexOf(anchor);
  if (at < 0) throw new Error(`${file} has no ${anchor}`);
  source =
    source.slice(0, at + anchor.length) +
    text +
    source.slice(at + anchor.length);
};

source = `import {
  EntityEnvironmentsCard,
  EntityEnvironmentsContent,
  isEnvironmentsAvailable,
} from '@envportal/plugin-environments';
${source}`;

insertAfter(
  'const overviewContent = (\n  <Grid container spacing={3} alignItems="stretch">\n',
  `    <EntitySwitch>
      <EntitySwitch.Case if={isEnvironmentsAvailable}>
        <Grid item md={6} xs={12}>
          <EntityEnvironmentsCard />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>
`,
);

const serviceStart = source.indexOf('const serviceEntityPage = (');
const kubernetesRoute = source.indexOf(
  '<EntityKubernetesContent />',
  serviceStart,
);
const routeEnd = source.indexOf('</EntityLayout.Route>\n', kubernetesRoute);
if (serviceStart < 0 || kubernetesRoute < 0 || routeEnd < 0) {
  throw new Error(`${file}: no Kubernetes tab in serviceEntityPage`);
}
const at = routeEnd + '</EntityLayout.Route>\n'.length;
source = `${source.slice(0, at)}
    <EntityLayout.Route path="/environments" title="Environments" if={isEnvironmentsAvailable}>
      <EntityEnvironmentsContent />
    </EntityLayout.Route>
${source.slice(at)}`;

writeFileSync(file, source);
