// Dataset discovery: finds the (report, images) pairs in a folder, whatever its layout.
export { discover, type DiscoverOptions } from './discover';
export { reportText } from './report-text';
