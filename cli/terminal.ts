// How this process may write to its terminal. Colour only on a TTY and never when NO_COLOR is
// set (https://no-color.org); the live single-line display only on an interactive TTY outside CI.
export interface TerminalCaps {
  isTty: boolean;
  color: boolean;
  live: boolean;
}

export function terminalCaps(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): TerminalCaps {
  const isTty = stream.isTTY === true;
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false';
  return {
    isTty,
    color: isTty && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb',
    live: isTty && !ci,
  };
}
