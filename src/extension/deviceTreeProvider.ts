// The Devices view. Until an account is connected it has no rows, so VS Code shows the view's welcome
// content (package.json `viewsWelcome`), which offers the commands that exist.
import * as vscode from 'vscode';

export type DeviceTreeNode = never;

export class DeviceTreeProvider implements vscode.TreeDataProvider<DeviceTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DeviceTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(node: DeviceTreeNode): vscode.TreeItem {
    return node;
  }

  getChildren(): DeviceTreeNode[] {
    return [];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
