/** Front door of the directory feature: organisations, services (ORUK 3.0), live capacity, taxonomy, claims and concerns. */
export { directoryRouter } from './routes';
export { versionsFromIfMatch, setCapacity, setCapacityFromLink, CAPACITY_LINK_LABELS } from './domain';
export {
  signCapacityLink,
  verifyCapacityLink,
  CAPACITY_LINK_ACTIONS,
  CAPACITY_LINK_TTL_SECONDS,
  type CapacityLinkAction,
  type CapacityLinkPayload,
} from './capacityLink';
export { presentCapacity, etagOf, type CapacityDto, type ServiceDto, type OrganizationDto } from './presenter';
export {
  writeImportBatch,
  type ImportBatch,
  type ImportBatchResult,
  type ImportedOrganization,
  type ImportedService,
  type ImportedCapacity,
  type ImportedLocation,
  type ImportedServiceAtLocation,
  type ImportedSchedule,
  type ImportedContact,
  type ImportedCostOption,
  type ImportedLanguage,
  type ImportedServiceArea,
  type ImportedFunding,
  type ImportedTaxonomyTerm,
} from './importWrite';
