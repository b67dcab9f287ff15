import { ResponseErrorPanel } from '@backstage/core-components';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Promotion,
  StageGovernance,
} from '@envportal/plugin-environments-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { useEffect, useMemo, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { environmentsApiRef, PromotionInFlightError } from '../../api';
import { approvalPolicySummary } from '../StageCard/governanceSummary';
import { ProgressStep } from './ProgressStep';
import { canContinue, ReviewStep } from './ReviewStep';
import { usePromotionProgress } from './usePromotionProgress';

type Step = 'review' | 'confirm' | 'progress';

const STEP_HEADINGS: Record<Step, string> = {
  review: 'Step 1 of 3: review',
  confirm: 'Step 2 of 3: confirm',
  progress: 'Step 3 of 3: progress',
};

function confirmLabel(
  sending: boolean,
  to: string,
  needsApproval: boolean,
): string {
  if (needsApproval) return sending ? 'Requesting…' : 'Request approval';
  return sending ? 'Starting…' : `Promote to ${to}`;
}

function newIdempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;
}

/**
 * Promotion in three steps: review (diff, gates, risk, override reason, a closed window), confirm (a
 * request for approval where the target needs one), then live progress or what it waits for.
 * The dialog traps focus while open and returns it to the promote button when closed (MUI Dialog);
 * each step moves focus to its heading so screen readers announce where the user is.
 */
export const PromoteDialog = (props: {
  open: boolean;
  from: string;
  to: string;
  version?: string;
  /** The target stage's approval policy and deploy window, when known. */
  governance?: StageGovernance;
  onClose: () => void;
  /** Called once when the promotion ends or starts waiting, so the pipeline and history refresh. */
  onFinished?: (promotion: Promotion) => void;
}) => {
  const { open, from, to, version, governance, onClose, onFinished } = props;
  const api = useApi(environmentsApiRef);
  const { entity } = useEntity();
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const [step, setStep] = useState<Step>('review');
  const [overrideReason, setOverrideReason] = useState('');
  const idempotencyKey = useMemo(newIdempotencyKey, [open, from, to]);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const preview = useAsync(
    async () =>
      open ? api.previewPromotion(entityRef, { from, to }) : undefined,
    [api, entityRef, from, to, open],
  );

  const [followingExisting, setFollowingExisting] = useState(false);
  const [created, createPromotion] = useAsyncFn(async () => {
    let promotion: Promotion;
    try {
      promotion = await api.createPromotion(entityRef, {
        from,
        to,
        overrideReason: preview.value?.gatesPassed
          ? undefined
          : overrideReason.trim(),
        idempotencyKey,
      });
    } catch (e) {
      if (!(e instanceof PromotionInFlightError)) throw e;
      // Someone else's promotion holds the stage: show its progress rather than a dead end.
      promotion = await api.getPromotion(e.runningPromotionId);
      setFollowingExisting(true);
    }
    setStep('progress');
    return promotion;
  }, [api, entityRef, from, to, overrideReason, idempotencyKey, preview.value]);

  const progress = usePromotionProgress(created.value);

  const reported = useRef<string | undefined>();
  useEffect(() => {
    const promotion = progress.promotion;
    const settled = progress.done || progress.waiting;
    if (settled && promotion && reported.current !== promotion.id) {
      reported.current = promotion.id;
      onFinished?.(promotion);
    }
  }, [progress.done, progress.waiting, progress.promotion, onFinished]);

  useEffect(() => {
    if (open) headingRef.current?.focus();
  }, [step, open]);

  useEffect(() => {
    if (!open) {
      setStep('review');
      setOverrideReason('');
      setFollowingExisting(false);
    }
  }, [open]);

  const title = `Promote ${
    version ?? 'the running version'
  } from ${from} to ${to}`;

  return (
    <Dialog
      open={open}
      onClose={onClose}
      aria-labelledby="environments-promote-title"
      fullWidth
      maxWidth="md"
    >
      <DialogTitle id="environments-promote-title">{title}</DialogTitle>
      <DialogContent>
        <Typography
          variant="subtitle1"
          component="h2"
          tabIndex={-1}
          ref={headingRef}
        >
          {STEP_HEADINGS[step]}
        </Typography>
        {step === 'review' && (
          <ReviewStep
            loading={preview.loading}
            error={preview.error}
            preview={preview.value}
            window={governance?.window}
            overrideReason={overrideReason}
            onOverrideReasonChange={setOverrideReason}
          />
        )}
        {step === 'confirm' && preview.value && (
          <>
            <Typography variant="body1">
              {to} will run <code>{preview.value.source.image}</code>
              {preview.value.target.image ? (
                <>
                  {' '}
                  instead of <code>{preview.value.target.image}</code>
                </>
              ) : null}
              . Risk: {preview.value.risk.level}.
            </Typography>
            {!preview.value.gatesPassed && (
              <Typography variant="body2">
                Gates overridden because: {overrideReason.trim()}
              </Typography>
            )}
            {governance?.approval && (
              <Typography variant="body2">
                {approvalPolicySummary(governance.approval)} before it starts.
              </Typography>
            )}
            {created.error && <ResponseErrorPanel error={created.error} />}
          </>
        )}
        {step === 'progress' && followingExisting && (
          <Typography variant="body2">
            A promotion to {to} was already running; this is its progress.
          </Typography>
        )}
        {step === 'progress' && progress.promotion && (
          <ProgressStep
            promotion={progress.promotion}
            done={progress.done}
            pollError={progress.error}
            timeZone={governance?.window?.timeZone}
          />
        )}
      </DialogContent>
      <DialogActions>
        {step === 'review' && (
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button
              color="primary"
              variant="contained"
              disabled={!canContinue(preview.value, overrideReason)}
              onClick={() => setStep('confirm')}
            >
              Continue
            </Button>
          </>
        )}
        {step === 'confirm' && (
          <>
            <Button
              onClick={() => setStep('review')}
              disabled={created.loading}
            >
              Back
            </Button>
            <Button
              color="primary"
              variant="contained"
              disabled={created.loading}
              onClick={() => createPromotion()}
            >
              {confirmLabel(created.loading, to, Boolean(governance?.approval))}
            </Button>
          </>
        )}
        {step === 'progress' && (
          <Button
            onClick={onClose}
            variant={progress.done || progress.waiting ? 'contained' : 'text'}
          >
            Close
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
};
