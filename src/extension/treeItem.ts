// Turns a pure TreeItemView (built and unit-tested without vscode) into the vscode.TreeItem a view shows.
// Tooltips are untrusted Markdown without HTML: they carry device-provided strings.
import * as vscode from 'vscode';
import type { TreeItemView } from './deviceTreeItems';

export function toTreeItem(view: TreeItemView): vscode.TreeItem {
  const item = new vscode.TreeItem(
    view.label,
    view.collapsible === 'collapsed' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = view.id;
  item.description = view.description;
  const tooltip = new vscode.MarkdownString(view.tooltip);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  item.tooltip = tooltip;
  item.iconPath = new vscode.ThemeIcon(view.icon, view.iconColor === undefined ? undefined : new vscode.ThemeColor(view.iconColor));
  item.contextValue = view.contextValue;
  return item;
}

/** A shown row as plain data, for test hooks: what the view renders, read back from the TreeItem. */
export interface TreeItemRow {
  id: string | undefined;
  label: string;
  description: string;
  tooltip: string;
  icon: string | undefined;
  iconColor: string | undefined;
  contextValue: string | undefined;
}

export function rowOf(item: vscode.TreeItem): TreeItemRow {
  const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath : undefined;
  return {
    id: item.id,
    label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
    description: typeof item.description === 'string' ? item.description : '',
    tooltip: item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : (item.tooltip ?? ''),
    icon: icon?.id,
    iconColor: (icon?.color as { id?: string } | undefined)?.id, // ThemeColor keeps its id at run time
    contextValue: item.contextValue,
  };
}
