/**
 * The environment for a child Node process a test starts (a script, a second server). tap passes its coverage
 * loader on to children through NODE_OPTIONS; the child transpiles with tsx instead, and its source maps would
 * blur the coverage of the files the test process itself runs, so the child goes without. tap's processinfo wraps
 * `spawn` and puts its loader back into NODE_OPTIONS whatever we pass, so the child is also told to cover no file.
 */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  delete env.NODE_OPTIONS
  delete env.NODE_V8_COVERAGE
  for (const key of Object.keys(env)) if (key.startsWith('_TAPJS_PROCESSINFO')) delete env[key]
  env._TAPJS_PROCESSINFO_COV_EXCLUDE_ = '/./'
  return env
}
