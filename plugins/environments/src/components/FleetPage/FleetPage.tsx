import {
  Content,
  ContentHeader,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
  Select,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  FleetResponse,
  FleetRow,
  FleetStage,
} from '@envportal/plugin-environments-common';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import { useFleet } from '../../hooks/useFleet';
import { DoraPanel } from '../DoraPanel';
import { StatusLabel } from '../StatusLabel';
import {
  behindText,
  cellDetail,
  cellHeadline,
  choices,
  FleetFilter,
  filterRows,
  needsAttention,
  promotionText,
  stageHeading,
} from './fleetSummary';

/** The filters' "no filter" choice. */
const ALL = 'all';

/** One of the page's filters: a value out of those in the rows, or all. */
const FilterSelect = (props: {
  label: string;
  testId: string;
  values: string[];
  value?: string;
  onChange: (value: string | undefined) => void;
}) => (
  <Box minWidth={200}>
    <Select
      label={props.label}
      data-testid={props.testId}
      items={[
        { label: 'All', value: ALL },
        ...props.values.map(v => ({ label: v, value: v })),
      ]}
      selected={props.value ?? ALL}
      onChange={v => props.onChange(v === ALL ? undefined : String(v))}
    />
  </Box>
);

const FleetCell = (props: {
  cell: FleetStage;
  previousStage?: string;
  timeZone?: string;
  now: number;
}) => {
  const { cell, previousStage, timeZone, now } = props;
  const headline = cellHeadline(cell);
  const detail = cellDetail(cell, now);
  const behind = previousStage && behindText(cell, previousStage);
  return (
    <Box data-testid={`fleet-cell-${cell.stage}`}>
      <StatusLabel tone={headline.tone}>{headline.text}</StatusLabel>
      {detail && (
        <Typography variant="caption" display="block">
          {detail}
        </Typography>
      )}
      {behind && (
        <Typography variant="caption" display="block">
          {behind}
        </Typography>
      )}
      {cell.promotion && (
        <Typography variant="caption" display="block">
          {promotionText(cell.promotion, timeZone)}
        </Typography>
      )}
      {cell.attention.map(reason => (
        <Typography
          key={reason}
          variant="caption"
          display="block"
          color="error"
        >
          {reason}
        </Typography>
      ))}
    </Box>
  );
};

function columns(fleet: FleetResponse, now: number): TableColumn<FleetRow>[] {
  const stageColumns = fleet.stages.map((governance, i) => ({
    title: (
      <Box>
        {governance.stage}
        {stageHeading(governance).map(line => (
          <Typography key={line} variant="caption" display="block">
            {line}
          </Typography>
        ))}
      </Box>
    ),
    field: `stage-${governance.stage}`,
    sorting: false,
    render: (row: FleetRow) => {
      const cell = row.stages.find(s => s.stage === governance.stage);
      return cell ? (
        <FleetCell
          cell={cell}
          previousStage={i > 0 ? fleet.stages[i - 1].stage : undefined}
          timeZone={governance.window?.timeZone}
          now={now}
        />
      ) : null;
    },
  }));
  return [
    {
      title: 'Component',
      field: 'name',
      highlight: true,
      render: row => (
        <EntityRefLink entityRef={row.entityRef}>
          {row.title ?? row.name}
        </EntityRefLink>
      ),
    },
    { title: 'Owner', field: 'owner' },
    { title: 'System', field: 'system' },
    ...stageColumns,
  ];
}

const FleetTable = (props: { fleet: FleetResponse }) => {
  const { fleet } = props;
  const [filter, setFilter] = useState<FleetFilter>({
    attention: false,
    text: '',
  });
  const rows = useMemo(() => filterRows(fleet.rows, filter), [fleet, filter]);
  const now = Date.parse(fleet.generatedAt);
  const attentionCount = fleet.rows.filter(needsAttention).length;
  return (
    <>
      <Box
        display="flex"
        alignItems="flex-end"
        flexWrap="wrap"
        mb={2}
        style={{ gap: 16 }}
      >
        <TextField
          id="environments-fleet-search"
          label="Search"
          value={filter.text}
          onChange={e => setFilter(f => ({ ...f, text: e.target.value }))}
        />
        <FilterSelect
          label="Owner"
          testId="environments-fleet-owner"
          values={choices(fleet.rows, 'owner')}
          value={filter.owner}
          onChange={owner => setFilter(f => ({ ...f, owner }))}
        />
        <FilterSelect
          label="System"
          testId="environments-fleet-system"
          values={choices(fleet.rows, 'system')}
          value={filter.system}
          onChange={system => setFilter(f => ({ ...f, system }))}
        />
        <FormControlLabel
          control={
            <Checkbox
              checked={filter.attention}
              onChange={e =>
                setFilter(f => ({ ...f, attention: e.target.checked }))
              }
            />
          }
          label={`Needs attention (${attentionCount})`}
        />
      </Box>
      <Table<FleetRow>
        title={`${rows.length} of ${fleet.rows.length} components`}
        options={{
          paging: rows.length > 50,
          pageSize: 50,
          search: false,
          padding: 'dense',
        }}
        columns={columns(fleet, now)}
        data={rows}
      />
    </>
  );
};

/** Where everything runs: every component the user can read, one column per stage. */
export const FleetPage = () => {
  const fleet = useFleet();
  return (
    <Page themeId="tool">
      <Header
        title="Environments"
        subtitle="Every service in every stage: versions, health, promotions and what needs attention"
      />
      <Content>
        <ContentHeader title="Fleet" />
        {fleet.loading && !fleet.value && <Progress />}
        {fleet.error && !fleet.value && (
          <ResponseErrorPanel
            title="Could not read the fleet"
            error={fleet.error}
          />
        )}
        {fleet.value && <FleetTable fleet={fleet.value} />}
        <Box mt={3}>
          <DoraPanel />
        </Box>
      </Content>
    </Page>
  );
};
