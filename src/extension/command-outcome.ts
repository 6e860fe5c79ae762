// How a command ends when it cannot do its job, the same for every command: the problem logged,
// shown (not awaited), and returned as `{ status: 'failed', message }` for keybindings, scripts
// and tests; and what a command says when nothing is scored yet.
import * as vscode from 'vscode';
import { describeError } from '../engine/describe-error';
import { messages } from './messages';
import { offer, showError, showInfo } from './notify';
import type { ReviewSession } from './review/review-session';
import type { SessionManager } from './review/session-manager';

export interface Failed {
  status: 'failed';
  message: string;
}

/** A button on the error and what it does. */
export interface FailAction {
  title: string;
  run: () => unknown;
}

/** Logs and shows `problem` (a message, or anything caught: describeError), and returns the failed outcome. */
export function fail(log: vscode.LogOutputChannel, problem: unknown, action?: FailAction): Failed {
  const message = typeof problem === 'string' ? problem : describeError(problem);
  log.error(message);
  if (action) offer(showError, message, action.title, action.run);
  else void showError(message);
  return { status: 'failed', message };
}

/** The session under review; when nothing is scored yet, says so with a "Score pairs" button, and gives undefined. */
export function sessionOrExplain(sessions: SessionManager): ReviewSession | undefined {
  if (sessions.current) return sessions.current;
  offer(showInfo, messages.nothingScored(), messages.scorePairsAction(), () =>
    vscode.commands.executeCommand('radalign.scorePairs'),
  );
  return undefined;
}

/** What a command that needs a session resolves to without one (sessionOrExplain has said why). */
export function nothingScored(): Failed {
  return { status: 'failed', message: messages.nothingScored() };
}
