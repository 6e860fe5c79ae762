// The report parser: sections, sentences with exact offsets, and negation/uncertainty cues.
// Pure and synchronous; the text is never altered, only pointed into.
import type { ParsedReport, ReportSentence, SectionName } from '../types';
import { findCues } from './cues';
import { buildSections, detectHeadings } from './sections';
import { splitSentences } from './sentences';

export type { ParsedReport, ReportSection, ReportSentence, SectionName } from '../types';

/** Sections whose sentences describe the image; the others hold clinical context. */
const IMAGE_SECTIONS: ReadonlySet<SectionName> = new Set<SectionName>([
  'findings',
  'impression',
  'imaging-notes',
  'body',
]);

/** Whether sentences of a section describe the image (findings, impression, imaging notes, unsectioned). */
export function sectionDescribesImage(name: SectionName): boolean {
  return IMAGE_SECTIONS.has(name);
}

/** Parses a report into sections and sentences. Any string is accepted; empty text gives empty lists. */
export function parseReport(text: string): ParsedReport {
  const sections = buildSections(text, detectHeadings(text));
  const sentences: ReportSentence[] = [];
  for (const section of sections) {
    for (const { start, end } of splitSentences(text, section.start, section.end)) {
      const sentence = text.slice(start, end);
      sentences.push({
        text: sentence,
        section: section.name,
        start,
        end,
        ...findCues(sentence),
        describesImage: sectionDescribesImage(section.name),
      });
    }
  }
  return { text, sections, sentences };
}
