// package.json is the extension's manifest: its commands, menus, views, language and settings must match
// the code's tables, and the .vsix allow-list must carry what the manifest points at.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, VIEW } from '../../extension/commands.ts';

const ROOT = resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    views: Record<string, Array<{ id: string }>>;
    viewsContainers: { activitybar: Array<{ id: string; icon: string }> };
    languages: Array<{ id: string; configuration: string }>;
    grammars: Array<{ language: string; scopeName: string; path: string }>;
    configuration: { properties: Record<string, { default: unknown }> };
    colors: Array<{ id: string }>;
  };
};
const c = manifest.contributes;

describe('extension manifest', () => {
  it('contributes exactly the commands of the table, with the same titles', () => {
    expect(c.commands.map((x) => x.command).sort()).toEqual(Object.keys(COMMANDS).sort());
    for (const cmd of c.commands) {
      expect(cmd.title).toBe(COMMANDS[cmd.command as keyof typeof COMMANDS].title);
      expect(cmd.category).toBe('CMFlow');
    }
  });

  it('hides the commands that only views and links can run from the palette', () => {
    const hidden = new Set(c.menus['commandPalette']!.filter((m) => m.when === 'false').map((m) => m.command));
    for (const [id, info] of Object.entries(COMMANDS)) {
      expect(hidden.has(id)).toBe(!info.palette);
    }
  });

  it('every menu entry names a contributed command', () => {
    const known = new Set(c.commands.map((x) => x.command));
    for (const entries of Object.values(c.menus)) {
      for (const e of entries) {
        expect(known, e.command).toContain(e.command);
      }
    }
  });

  it('declares the CMFlow container and its views', () => {
    expect(c.viewsContainers.activitybar[0]!.id).toBe(VIEW.container);
    expect(c.views[VIEW.container]!.map((v) => v.id)).toEqual([VIEW.failures, VIEW.flows, VIEW.hosts, VIEW.clientSpy]);
  });

  it('declares limited support for untrusted workspaces, with host overrides restricted', () => {
    expect(manifest.capabilities.untrustedWorkspaces.supported).toBe('limited');
    expect(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations).toEqual(['cmflow.hosts']);
  });

  it('the cmtrace grammar and language configuration parse and match the manifest', () => {
    const grammar = c.grammars[0]!;
    const tm = JSON.parse(readFileSync(resolve(ROOT, grammar.path), 'utf8')) as { scopeName: string };
    expect(tm.scopeName).toBe(grammar.scopeName);
    const config = JSON.parse(readFileSync(resolve(ROOT, c.languages[0]!.configuration), 'utf8')) as {
      wordPattern: string;
    };
    // GUIDs and error codes are one word each, so double-click and word-based features take them whole.
    const words = (text: string): string[] => text.match(new RegExp(config.wordPattern, 'g')) ?? [];
    expect(words('id {38E237B8-8404-4C2E-9D3B-E7BA9B65C4F4} x')).toEqual([
      'id',
      '{38E237B8-8404-4C2E-9D3B-E7BA9B65C4F4}',
      'x',
    ]);
    expect(words('hr = 0x80072ee2.')).toEqual(['hr', '0x80072ee2']);
  });

  it('ships what the manifest points at, and nothing else', () => {
    const ignore = readFileSync(resolve(ROOT, '.vscodeignore'), 'utf8');
    for (const shipped of [
      'dist/extension.js',
      'dist/worker.js',
      'dist/views/*.js',
      'dist/views/*.css',
      'syntaxes/**',
      'media/**',
      'package.json',
    ]) {
      expect(ignore).toContain(`!${shipped}`);
    }
    expect(manifest.main).toBe('./dist/extension.js');
    expect(ignore.split('\n').find((l) => l.trim() && !l.startsWith('#'))).toBe('**');
  });
});
