/**
 * Connection strings carry passwords. Anything that may reach Slack or a log
 * goes through these first.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    // Not a URL: strip anything that looks like user:password@ anyway.
    return url.replace(/\/\/([^:/@\s]+):([^@\s]+)@/g, '//$1:***@');
  }
}

/** Replace every URL-with-credentials and known token shape inside free text. */
export function redactText(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)([^:/@\s]+):([^@\s]+)@/gi, '$1$2:***@')
    .replace(/\bxox[abposr]-[A-Za-z0-9-]+/g, 'xox*-***')
    .replace(/\bxapp-[A-Za-z0-9-]+/g, 'xapp-***')
    .replace(/(password=)[^\s&]+/gi, '$1***');
}
