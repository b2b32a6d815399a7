/** The demo: a coherent Trafford / Greater Manchester directory, accounts and activity for trying Signpost. */
export * from './seed';
export { curateDemoDirectory, DEFAULT_VCSE_DIR, type DemoEntry, type CurationReport } from './directory';
export { normalCase, notAServiceReason, NOT_A_SERVICE, GM_DISTRICT, TRAFFORD_DISTRICT_PCN, ACRONYMS } from './names';
export { demoAtStart, demoOneClickAllowed } from './rules';
export { demoRouter, demoIsOn } from './routes';
