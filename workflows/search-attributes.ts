import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes partnerflow sets on lifecycles, so operators can list them in the Temporal CLI and UI. */
export const PartnershipStage = defineSearchAttributeKey('PartnershipStage', SearchAttributeType.KEYWORD);
export const PartnershipKind = defineSearchAttributeKey('PartnershipKind', SearchAttributeType.KEYWORD);
export const PartnershipOwner = defineSearchAttributeKey('PartnershipOwner', SearchAttributeType.KEYWORD);
export const NextDeadline = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);
export const OpenEscalations = defineSearchAttributeKey('OpenEscalations', SearchAttributeType.INT);

export const ALL_SEARCH_ATTRIBUTES = [PartnershipStage, PartnershipKind, PartnershipOwner, NextDeadline, OpenEscalations];
