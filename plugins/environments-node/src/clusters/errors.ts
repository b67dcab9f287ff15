import { NotAllowedError } from '@backstage/errors';

/**
 * The portal has no account for this purpose in the stage, so it may not act there: a stage without a
 * promote account cannot be promoted into, a stage without a deploy account takes no template deploys.
 * It keeps the NotAllowedError name, so Backstage's error handler answers 403.
 *
 * @public
 */
export class AccountNotConfiguredError extends NotAllowedError {}
