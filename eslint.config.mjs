// ESLint flat config: typescript-eslint's recommended rules, plus the layering rules of DESIGN.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const cdkModules = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'constructs/*'];
const cdktfModules = ['cdktf', 'cdktf/*', '@cdktf/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', 'cdktf.out/', '**/*.js', '**/*.mjs', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // core is pure TypeScript: both engines read their defaults from it.
    files: ['lib/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: [...cdkModules, ...cdktfModules], message: 'lib/core stays free of aws-cdk-lib, constructs and cdktf.' }],
      }],
    },
  },
  {
    // A CDK-only user never installs cdktf: nothing outside lib/tf may load it.
    files: ['lib/aws/**/*.ts', 'lib/checks/**/*.ts', 'lib/index.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: cdktfModules, message: 'cdktf is an optional peer: keep it inside lib/tf.' },
        ],
      }],
    },
  },
  {
    // Provider barrels cost ~17 s and 1.1 GB per compile: import resource classes by deep path.
    files: ['lib/tf/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'bin/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: '@cdktf/provider-aws', message: 'import by deep path, e.g. @cdktf/provider-aws/lib/vpc' },
          { name: '@cdktf/provider-google', message: 'import by deep path, e.g. @cdktf/provider-google/lib/compute-network' },
        ],
      }],
    },
  },
);
