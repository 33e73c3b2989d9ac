-- A webmaster submitting as themself: a partner's own CPA webmaster token on a CPA campaign (issue 19,
-- item 1). Its leads are sent to SalesRender's CPA module with that token, so SalesRender counts them as
-- that webmaster's; without one they go with the campaign's token, as before. Encrypted like every token.
alter table client_campaigns add column cpa_token_encrypted text;
