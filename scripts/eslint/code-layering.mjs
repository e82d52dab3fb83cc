// ESLint rule `local/code-layering`: arrows point one way (renderer → shared ← main/services → native).
// Each layer lists what it may not import: bare module names and folders of this repository.
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** Layer folder → forbidden module names (exact or prefix with '*') and forbidden repo folders. */
const layers = [
  {
    dir: 'src/shared',
    modules: ['electron', 'node:*', 'react', 'react-dom', 'ws'],
    folders: ['src/main', 'src/renderer', 'src/preload', 'src/host', 'native'],
  },
  {
    dir: 'src/renderer',
    modules: ['electron', 'node:*', 'ws'],
    folders: ['src/main', 'src/preload', 'src/host', 'native'],
  },
  { dir: 'src/main/services', modules: ['electron'], folders: ['src/renderer', 'src/preload', 'src/host'] },
  { dir: 'src/host', modules: ['electron'], folders: ['src/renderer', 'src/preload'] },
  { dir: 'src/preload', modules: [], folders: ['src/main', 'src/renderer', 'src/host', 'native'] },
  { dir: 'src/main', modules: [], folders: ['src/renderer', 'src/preload', 'src/host'] },
  { dir: 'native', modules: ['electron', 'react'], folders: ['src/main', 'src/renderer', 'src/preload', 'src/host'] },
];

const electronEntry = path.join(root, 'src/main/index.ts');

const inside = (file, dir) => {
  const relative = path.relative(path.join(root, dir), file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

export const codeLayering = {
  meta: { type: 'problem', schema: [], messages: { forbidden: '{{layer}} may not import {{what}}' } },
  create(context) {
    const file = context.filename;
    const layer = layers.find((candidate) => inside(file, candidate.dir));
    if (!layer) return {};
    const isTest = /\.test\.tsx?$/.test(file);
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        const folder = layer.folders.find((candidate) => inside(target, candidate));
        if (folder) context.report({ node, messageId: 'forbidden', data: { layer: layer.dir, what: folder } });
        return;
      }
      // A test runs under Node whatever its layer: it may use Node's modules to reach the reference
      // tools it checks against (xxd, python3, sha256sum), never another layer's code.
      if (isTest && specifier.startsWith('node:')) return;
      const banned = layer.modules.find((name) =>
        name.endsWith('*')
          ? specifier.startsWith(name.slice(0, -1))
          : specifier === name || specifier.startsWith(`${name}/`),
      );
      if (banned) context.report({ node, messageId: 'forbidden', data: { layer: layer.dir, what: specifier } });
      // The adapter takes Electron as typed ports (src/main/electronPorts.ts) so that its tests run
      // under Node; only the entry loads `electron` itself, the rest import its types.
      const typeOnly = node.importKind === 'type' || node.exportKind === 'type';
      if (layer.dir === 'src/main' && specifier === 'electron' && !typeOnly && file !== electronEntry) {
        context.report({ node, messageId: 'forbidden', data: { layer: 'src/main (but index.ts)', what: 'electron' } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
