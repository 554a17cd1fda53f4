// Lint rules that guard the architecture (see ARCHITECTURE.md): nothing under src/ may import the VS Code
// API, parsers may not reach into the correlator, and promises must be awaited or handled.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  name: 'vscode',
  message: 'The engine under src/ runs in plain Node and the CLI: the VS Code API belongs in extension/.',
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', '.bench/**', '.vscode-e2e/**', 'test-results/**', 'samples/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/parsers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [{ group: ['**/correlate/**', '**/views/**'], message: 'Parsers depend on nothing above them.' }],
        },
      ],
    },
  },
  {
    // Client Spy's engine reads records and the timeline; views draw it, never the other way round.
    files: ['src/spy/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [{ group: ['**/views/**', '**/cli/**'], message: 'The spy engine depends on nothing above it.' }],
        },
      ],
    },
  },
  {
    // Webview code runs in the browser: no Node modules, and nothing from the engine but types (its data
    // comes over the protocol). lanes.ts is the one exception, for its constants, and so takes only types
    // itself. host.ts is the Node side of the protocol.
    files: ['src/views/**/*.ts'],
    ignores: ['src/views/**/host.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Webview code runs in the browser.' },
            {
              group: ['**/parsers/**', '**/correlate/**', '!**/correlate/lanes.ts'],
              allowTypeImports: true,
              message: 'Webviews get data over their protocol: import only types from the engine.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tool configuration files must default-export their config.
    files: ['**/*.mjs', '**/*.js', '**/*.mts'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-restricted-syntax': 'off' },
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', URL: 'readonly' },
    },
  },
);
