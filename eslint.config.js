// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Ambient power that protocol and media code must receive injected (DESIGN.md, Conventions). */
const ambient = {
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Take a Clock (webrtc/transport) instead.' },
    { name: 'setInterval', message: 'Take a Clock (webrtc/transport) instead.' },
    { name: 'setImmediate', message: 'Take a Clock (webrtc/transport) instead.' },
    { name: 'console', message: 'Take a logger or emit on diagnostics_channel.' },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Take a Clock (webrtc/transport) instead.' },
    { object: 'console', message: 'Take a logger or emit on diagnostics_channel.' },
  ],
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'node:dgram', message: 'Take a Net (webrtc/transport) instead.' },
        { name: 'dgram', message: 'Take a Net (webrtc/transport) instead.' },
        { name: 'node:net', message: 'Take a Net (webrtc/transport) instead.' },
        { name: 'net', message: 'Take a Net (webrtc/transport) instead.' },
      ],
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      '**/*.cjs',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.tap/**',
      'data/**',
      'test/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Errors are classes with stable codes; nothing throws or rejects a string.
      'no-throw-literal': 'error',
      'prefer-promise-reject-errors': 'error',
    },
  },
  {
    files: ['gateway/webrtc/**/*.ts', 'gateway/media/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: ambient,
  },
  {
    // The only places where real time and real sockets enter the stack.
    files: ['gateway/webrtc/transport/system-clock.ts', 'gateway/webrtc/transport/udp-*.ts'],
    rules: {
      'no-restricted-globals': 'off',
      'no-restricted-properties': 'off',
      'no-restricted-imports': 'off',
    },
  },
);
