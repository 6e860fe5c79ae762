// The report sections the engine names, listed once: the type, the results' schema and the panel
// (which validates results-derived sentences in the webview) all take them from here. Free of Node.
export const SECTION_NAMES = [
  'findings',
  'impression',
  'indication',
  'history',
  'comparison',
  'technique',
  'presentation',
  'imaging-notes',
  'discussion',
  'recommendation',
  'body', // unsectioned text
] as const;
export type SectionName = (typeof SECTION_NAMES)[number];
