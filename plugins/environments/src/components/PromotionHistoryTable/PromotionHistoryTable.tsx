import { Table, TableColumn } from '@backstage/core-components';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ApprovalDecision,
  Promotion,
  PromotionApproval,
} from '@envportal/plugin-environments-common';
import Typography from '@material-ui/core/Typography';
import { environmentsApiRef } from '../../api';
import { describePromotion } from '../PromoteDialog/ProgressStep';
import { approvalsGiven, personName } from '../StageCard/governanceSummary';
import { StatusLabel } from '../StatusLabel';

export const HISTORY_PAGE_SIZE = 5;

function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 60_000
    ? `${Math.round(ms / 1000)} s`
    : `${Math.round(ms / 60_000)} min`;
}

/** "10:02", with the day in front when it is not the day the promotion was requested. */
function decisionTime(at: string, requestedAt: string): string {
  const sameDay =
    new Date(at).toDateString() === new Date(requestedAt).toDateString();
  return new Intl.DateTimeFormat('en-GB', {
    ...(sameDay ? {} : { day: 'numeric', month: 'short' }),
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(at));
}

/** "1 of 2 approvals: rita (approved 10:02)": who decided, how and when. */
function approvalsText(
  approval: PromotionApproval,
  requestedAt: string,
): string {
  const decision = (d: ApprovalDecision) =>
    `${personName(d.actor)} (${
      d.decision === 'approve' ? 'approved' : 'rejected'
    } ${decisionTime(d.at, requestedAt)}${d.comment ? `: ${d.comment}` : ''})`;
  const count = `${approvalsGiven(approval)} of ${approval.required} approvals`;
  return approval.decisions.length > 0
    ? `${count}: ${approval.decisions.map(decision).join(', ')}`
    : count;
}

const columns: TableColumn<Promotion>[] = [
  {
    title: 'Started',
    field: 'createdAt',
    render: row => new Date(row.createdAt).toLocaleString(),
  },
  { title: 'Stages', render: row => `${row.from} → ${row.to}` },
  {
    title: 'Image',
    field: 'imageAfter',
    render: row => <code>{row.imageAfter}</code>,
  },
  {
    title: 'State',
    field: 'state',
    render: row => {
      const { tone } = describePromotion(row);
      return (
        <>
          <StatusLabel tone={tone}>{row.state}</StatusLabel>
          {row.approval && (
            <Typography variant="caption" component="p">
              {approvalsText(row.approval, row.createdAt)}
            </Typography>
          )}
          {row.error && (
            <Typography variant="caption" component="p" color="error">
              {row.error}
            </Typography>
          )}
        </>
      );
    },
  },
  { title: 'By', field: 'requestedBy' },
  { title: 'Duration', render: row => formatDuration(row.durationMs) },
  {
    title: 'Release note',
    field: 'summary',
    render: row => (
      <>
        <Typography variant="body2">{row.summary}</Typography>
        {row.overrideReason && (
          <Typography variant="caption" color="textSecondary">
            Gates overridden: {row.overrideReason}
          </Typography>
        )}
      </>
    ),
  },
];

/** Every promotion of the entity, newest first, paged on the server. */
export const PromotionHistoryTable = () => {
  const api = useApi(environmentsApiRef);
  const { entity } = useEntity();
  const entityRef = getCompoundEntityRef(entity);
  return (
    <Table<Promotion>
      title="Promotion history"
      columns={columns}
      options={{
        paging: true,
        pageSize: HISTORY_PAGE_SIZE,
        pageSizeOptions: [HISTORY_PAGE_SIZE, 10, 20],
        search: false,
        sorting: false,
        padding: 'dense',
      }}
      localization={{
        body: {
          // emptyContent only applies to array data; with server paging the table's own message shows
          emptyDataSourceMessage:
            'No promotions yet. Promote a version from one stage to the next to start the history.',
        },
      }}
      data={async query => {
        const page = query?.page ?? 0;
        const pageSize = query?.pageSize ?? HISTORY_PAGE_SIZE;
        const result = await api.listPromotions(entityRef, {
          limit: pageSize,
          offset: page * pageSize,
        });
        return { data: result.items, page, totalCount: result.total };
      }}
    />
  );
};
