/** Front door of the search feature: service search near a person and the search map (see docs/search.md). */
export { searchRouter } from './routes';
export { deferSearchIndex, refreshSearchIndex } from './repository';
export { search, map, MAP_POINT_LIMIT, clusterCellDeg, clusterZoom, PCN_NEAR_KM, searchPassCounts } from './domain';
