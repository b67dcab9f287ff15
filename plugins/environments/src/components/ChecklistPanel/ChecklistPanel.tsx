import { InfoCard } from '@backstage/core-components';
import {
  CHECKLIST_GROUPS,
  ChecklistItemResult,
  StageChecklist,
} from '@envportal/plugin-environments-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { StatusLabel, toneOfResult } from '../StatusLabel';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: { marginBottom: theme.spacing(1) },
  evidence: { marginLeft: theme.spacing(3) },
  details: {
    margin: theme.spacing(0.5, 0, 0, 3),
    paddingLeft: theme.spacing(2),
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    overflowWrap: 'anywhere',
  },
}));

const RESULT_WORDS: Record<string, string> = {
  pass: 'pass',
  fail: 'fail',
  warn: 'warning',
  unknown: 'unknown',
};

/** Groups items as the seed's checklist does; anything the backend adds later lands under "Other". */
export function groupChecklist(
  items: ChecklistItemResult[],
): Array<{ group: string; items: ChecklistItemResult[] }> {
  const known: string[] = [...CHECKLIST_GROUPS];
  const groups = known.map(group => ({
    group,
    items: items.filter(item => item.group === group),
  }));
  const other = items.filter(item => !known.includes(item.group));
  if (other.length > 0) groups.push({ group: 'Other', items: other });
  return groups.filter(group => group.items.length > 0);
}

function summaryText(summary: StageChecklist['summary']): string {
  return (['pass', 'fail', 'warn', 'unknown'] as const)
    .filter(result => summary[result] > 0)
    .map(result => `${summary[result]} ${RESULT_WORDS[result]}`)
    .join(', ');
}

/** The deployment verification checklist of one stage, each item with its result and evidence. */
export const ChecklistPanel = (props: { checklist: StageChecklist }) => {
  const { checklist } = props;
  const classes = useStyles();
  return (
    <InfoCard
      title={`Verification checklist: ${checklist.stage}`}
      subheader={summaryText(checklist.summary)}
    >
      <Grid container spacing={2}>
        {groupChecklist(checklist.items).map(({ group, items }) => (
          <Grid item xs={12} md={6} key={group}>
            <Typography variant="subtitle1" component="h4">
              {group}
            </Typography>
            <ul className={classes.list} aria-label={group}>
              {items.map(item => (
                <li key={item.id} className={classes.item}>
                  <StatusLabel tone={toneOfResult(item.result)}>
                    {item.title}: {RESULT_WORDS[item.result] ?? item.result}
                  </StatusLabel>
                  <Box className={classes.evidence}>
                    <Typography variant="caption" color="textSecondary">
                      {item.evidence}
                    </Typography>
                  </Box>
                  {item.details && item.details.length > 0 && (
                    <ul
                      className={classes.details}
                      aria-label={`Details: ${item.title}`}
                    >
                      {item.details.map((line, i) => (
                        <li key={i}>{line}</li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          </Grid>
        ))}
      </Grid>
    </InfoCard>
  );
};
