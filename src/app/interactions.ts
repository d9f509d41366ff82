import type { App } from '@slack/bolt';
import type { Core } from './core.js';
import type { SlackPoster } from '../slack/poster.js';

/**
 * Button clicks and modal submissions. Each feature registers its own action
 * ids here; values carried by buttons are never trusted, only used to look
 * state up again in the state DB.
 */
export function registerInteractions(_app: App, _deps: { core: Core; slack: SlackPoster }): void {}
