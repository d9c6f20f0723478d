// Turns a pure TreeItemView (built and unit-tested without vscode) into the vscode.TreeItem a view shows.
// Tooltips are untrusted Markdown without HTML: they carry device-provided strings.
import * as vscode from 'vscode';
import type { TreeItemView } from './deviceTreeItems';

/**
 * `withTooltip: false` leaves the tooltip for `resolveTreeItem`: VS Code then builds it only when the row is
 * hovered, instead of parsing a Markdown tooltip for every row of every refresh (B3's profile found that in
 * the extension host at high event rates).
 */
export function toTreeItem(view: TreeItemView, { withTooltip = true }: { withTooltip?: boolean } = {}): vscode.TreeItem {
  const item = new vscode.TreeItem(
    view.label,
    view.collapsible === 'collapsed' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = view.id;
  item.description = view.description;
  if (withTooltip) item.tooltip = markdownTooltip(view.tooltip);
  item.iconPath = new vscode.ThemeIcon(view.icon, view.iconColor === undefined ? undefined : new vscode.ThemeColor(view.iconColor));
  item.contextValue = view.contextValue;
  return item;
}

/** Untrusted Markdown without HTML: tooltips carry device-provided strings. */
export function markdownTooltip(text: string): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(text);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  return tooltip;
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
