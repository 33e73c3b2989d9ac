-- Console sign-in sessions. Only a digest of the cookie's value is stored, so a copy of the database
-- cannot be used to sign in; the CSRF token is per session and checked on every console form.
create table admin_sessions (
  id text primary key,
  token_hash text not null unique,
  csrf_token text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index admin_sessions_expires on admin_sessions (expires_at);
