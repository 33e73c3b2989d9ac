// A lead with every attribute filled, so a check builds every key LeadBridge could ever send.
import type { LeadForOrder } from '../salesrender/order-input.js';

export const sampleLead: LeadForOrder = {
  id: 'lead_sample',
  phone: '+79123456789',
  name: 'Ivan Petrov',
  country: 'RU',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
  clickId: 'click-sample',
  comment: 'call after 6pm',
  subs: { sub1: 's1', sub2: 's2', sub3: 's3', sub4: 's4', sub5: 's5' },
  utm: { utm_source: 'src', utm_medium: 'cpc', utm_campaign: 'c', utm_content: 'ad', utm_term: 't' },
};
