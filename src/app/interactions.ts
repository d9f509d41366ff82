import type { App } from '@slack/bolt';
import type { Core } from './core.js';
import type { SlackPoster } from '../slack/poster.js';
import { registerRunInteractions } from '../engine/interactions.js';
import { registerSignoffInteractions } from '../signoff/interactions.js';
import { signoffDepsOf } from '../signoff/deps.js';
import { signoffServiceOf } from '../signoff/index.js';
import { registerCutoverInteractions } from '../cutover/interactions.js';

/**
 * Button clicks and modal submissions. Each feature registers its own action
 * ids here; values carried by buttons are never trusted, only used to look
 * state up again in the state DB.
 */
export function registerInteractions(app: App, deps: { core: Core; slack: SlackPoster }): void {
  registerRunInteractions(app, deps);
  registerSignoffInteractions(app, signoffDepsOf(deps.core, deps.slack), signoffServiceOf(deps.core, deps.slack));
  registerCutoverInteractions(app, deps);
}
