// Proves the harness itself: these tests run in the real VS Code 1.139 extension host with
// the extension under development loaded, and runTests' environment reaches them.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'ayla-dss-explorer.ayla-dss-explorer';

describe('integration host', () => {
  it('is VS Code 1.139 (the pinned code-server, or desktop VS Code of the same version)', () => {
    assert.match(vscode.version, /^1\.139\./);
  });

  it('passes runTests extensionTestsEnv through to the extension host', () => {
    assert.equal(process.env.AYLA_INTEGRATION, '1');
  });

  it('loads and activates the extension under development', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers the extension commands once activated', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('aylaDss.startSimulator'), 'aylaDss.startSimulator is not registered');
  });
});
