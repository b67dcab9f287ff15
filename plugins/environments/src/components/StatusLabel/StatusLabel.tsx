import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { PropsWithChildren, ReactNode } from 'react';

/** The tones a state can take; each maps to one Backstage status icon so colour is never the only cue. */
export type StatusTone =
  | 'ok'
  | 'error'
  | 'warning'
  | 'pending'
  | 'running'
  | 'unknown';

/** Backstage's status components pass extra props to their element, ARIA attributes included. */
type StatusIcon = (
  props: PropsWithChildren<{ 'aria-hidden'?: boolean; 'aria-label'?: string }>,
) => JSX.Element;

const ICONS: Record<StatusTone, StatusIcon> = {
  ok: StatusOK,
  error: StatusError,
  warning: StatusWarning,
  pending: StatusPending,
  running: StatusRunning,
  unknown: StatusAborted,
};

/** A status icon followed by its meaning in words (screen readers and colour-blind users read the words). */
export const StatusLabel = (props: {
  tone: StatusTone;
  children: ReactNode;
}) => {
  const Icon = ICONS[props.tone];
  // Backstage's status components hide themselves, words included, from assistive technology
  // (aria-hidden) and name themselves "Status ok"; the words are the meaning here, so they are shown.
  return (
    <Icon aria-hidden={false} aria-label={undefined}>
      {props.children}
    </Icon>
  );
};

/** Maps a check or gate result to a tone. */
export function toneOfResult(result: string): StatusTone {
  switch (result) {
    case 'pass':
      return 'ok';
    case 'fail':
      return 'error';
    case 'warn':
      return 'warning';
    default:
      return 'unknown';
  }
}
