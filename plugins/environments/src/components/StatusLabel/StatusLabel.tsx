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

const ICONS: Record<StatusTone, (props: PropsWithChildren<{}>) => JSX.Element> =
  {
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
  // Backstage's status icons hide their children from assistive technology with the icon; the
  // words stay outside, so they are read.
  return (
    <span>
      <Icon />
      {props.children}
    </span>
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
