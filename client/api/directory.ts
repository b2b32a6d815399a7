/** Shapes of the directory API answers as the client reads them: the same types the server's presenters return. */
export type {
  CapacityDto,
  CapacityHistoryEntry,
  ClaimDto,
  ClaimWithOrganizationDto,
  LocationDto,
  MyOrganizationDto,
  OrganizationDto,
  OrganizationMatchDto,
  OrganizationWithServicesDto,
  ScheduleDto,
  ServiceDto,
  ServiceSummaryDto,
  TaxonomyNodeDto,
} from '@shared/directoryDto';
