// Type-aware lint rules that find the bugs that take a server down or leak data, run by `npm test` before tap.
// Kept beside the other scripts (the repository's top level holds only what the project guide lists); basePath
// points ESLint at the repository root.
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { basePath: '../..' },
  { ignores: ['node_modules/**', 'data/**', '.tap/**', 'coverage/**', 'static/**', 'bench/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: new URL('../..', import.meta.url).pathname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // An unhandled rejection in a callback is how a Node server dies.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // tap collects the subtests a file starts at its top level and reports their failures itself.
          allowForKnownSafePromises: [{ from: 'package', package: '@tapjs/core', name: 'PromiseWithSubtest' }],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      // Untyped values from requests, JSON and rows are where unchecked input slips through.
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      // A new status or role must be handled everywhere it is switched on.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/only-throw-error': 'error',
      'no-fallthrough': 'error',
    },
  },
  {
    // Migrations take Kysely<any> by design (they must never import the app's current Database type).
    files: ['migrations/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
)
