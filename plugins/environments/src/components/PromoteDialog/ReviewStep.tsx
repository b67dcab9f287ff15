import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  GateResult,
  PromotionPreview,
  StageWindow,
} from '@envportal/plugin-environments-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { windowSummary } from '../StageCard/governanceSummary';
import { StatusLabel, StatusTone, toneOfResult } from '../StatusLabel';

/** An override must say why in more than a word or two; the audit trail keeps it. */
export const MIN_OVERRIDE_REASON_LENGTH = 10;

const RISK_TONES: Record<string, StatusTone> = {
  low: 'ok',
  medium: 'warning',
  high: 'error',
};

function gateText(gate: GateResult): string {
  const result =
    gate.result === 'insufficient-data' ? 'insufficient data' : gate.result;
  return `${gate.title}: ${result}. ${gate.detail}`;
}

/** Step 1: what changes, what the gates say, how risky it is, and whether the target is closed. */
export const ReviewStep = (props: {
  loading: boolean;
  error?: Error;
  preview?: PromotionPreview;
  /** The target's deploy window, when it has one. */
  window?: StageWindow;
  overrideReason: string;
  onOverrideReasonChange: (value: string) => void;
}) => {
  const { loading, error, preview } = props;
  if (loading && !preview) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!preview) return null;
  const needsOverride = !preview.gatesPassed && preview.canOverride;
  return (
    <>
      <Typography variant="h6" component="h3">
        Changes
      </Typography>
      {preview.diff.length === 0 ? (
        <Typography variant="body2">No differences found.</Typography>
      ) : (
        <Table size="small" aria-label="Changes in the target stage">
          <TableHead>
            <TableRow>
              <TableCell component="th">Field</TableCell>
              <TableCell component="th">{preview.to} now</TableCell>
              <TableCell component="th">After promotion</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {preview.diff.map(entry => (
              <TableRow key={entry.field}>
                <TableCell>{entry.field}</TableCell>
                <TableCell>{entry.from ?? '—'}</TableCell>
                <TableCell>{entry.to ?? '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      <Box mt={2}>
        <Typography variant="h6" component="h3">
          Gates {preview.gatesPassed ? '(all passed)' : '(not all passed)'}
        </Typography>
        <ul aria-label="Gates">
          {preview.gates.map(gate => (
            <li key={gate.id}>
              <StatusLabel tone={toneOfResult(gate.result)}>
                {gateText(gate)}
              </StatusLabel>
            </li>
          ))}
        </ul>
      </Box>

      <Box mt={2}>
        <Typography variant="h6" component="h3">
          Risk
        </Typography>
        <StatusLabel tone={RISK_TONES[preview.risk.level] ?? 'unknown'}>
          Risk: {preview.risk.level}
        </StatusLabel>
        {preview.risk.reasons.length > 0 && (
          <ul aria-label="Risk reasons">
            {preview.risk.reasons.map(reason => (
              <li key={reason}>
                <Typography variant="body2">{reason}</Typography>
              </li>
            ))}
          </ul>
        )}
      </Box>

      {props.window && !props.window.open && (
        <Box mt={2}>
          <StatusLabel tone="warning">
            {windowSummary(props.window).text}
          </StatusLabel>
        </Box>
      )}
      {preview.blockedReason && (
        <Box mt={2} role="alert">
          <StatusLabel tone="error">{preview.blockedReason}</StatusLabel>
        </Box>
      )}
      {!preview.gatesPassed && !preview.canOverride && (
        <Box mt={2}>
          <Typography variant="body2">
            The gates did not pass and you may not override them.
          </Typography>
        </Box>
      )}
      {needsOverride && (
        <Box mt={2}>
          <TextField
            id="environments-override-reason"
            label="Override reason"
            helperText={`Why promote although the gates failed? At least ${MIN_OVERRIDE_REASON_LENGTH} characters; it is kept in the audit trail.`}
            value={props.overrideReason}
            onChange={e => props.onOverrideReasonChange(e.target.value)}
            required
            fullWidth
            multiline
            minRows={2}
            variant="outlined"
          />
        </Box>
      )}
    </>
  );
};

/** Whether the review allows going on to the confirm step. */
export function canContinue(
  preview: PromotionPreview | undefined,
  overrideReason: string,
): boolean {
  if (!preview || !preview.allowed) return false;
  if (preview.gatesPassed) return true;
  return (
    preview.canOverride &&
    overrideReason.trim().length >= MIN_OVERRIDE_REASON_LENGTH
  );
}
