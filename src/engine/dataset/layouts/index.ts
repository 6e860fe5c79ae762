// The layout registry. Its order is the precedence when two layouts claim one file: an explicit
// manifest or annotation.json row (the dataset author's own statement) over a MIMIC-CXR study
// over a study folder over a stem pair. A new layout is one module and one line here.
import { manifest } from './manifest';
import { mimic } from './mimic';
import { r2gen } from './r2gen';
import { stem } from './stem';
import { studyFolder } from './study-folder';
import type { Layout } from './types';

export const LAYOUTS: readonly Layout[] = [manifest, r2gen, mimic, studyFolder, stem];

export type { Layout } from './types';
