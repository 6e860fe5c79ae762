// The dataset layouts are listed once (LAYOUT_NAMES in engine/types.ts): the layout registry has a
// module for each, and package.json's radalign.layout setting (JSON cannot import) lists the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LAYOUTS } from '../../../../src/engine/dataset/layouts';
import { LAYOUT_CHOICES, LAYOUT_NAMES } from '../../../../src/engine/types';

describe('layout names', () => {
  it('the registry has one layout per name', () => {
    assert.deepEqual(LAYOUTS.map((l) => l.name).sort(), [...LAYOUT_NAMES].sort());
  });

  it("package.json's radalign.layout setting offers the same choices, in the same order", () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { enum?: string[]; enumDescriptions?: string[] }> } };
    };
    const setting = manifest.contributes.configuration.properties['radalign.layout'];
    assert.deepEqual(setting?.enum, [...LAYOUT_CHOICES]);
    assert.equal(setting?.enumDescriptions?.length, LAYOUT_CHOICES.length, 'one description per choice');
  });
});
