-- Hand-written (prisma migrate diff does not model triggers): every change to a run or a new epoch is
-- announced on the `run_events` channel, whoever made it (a worker, a mutation, psql), so GraphQL
-- subscriptions need no cooperation from writers. Payloads stay far below NOTIFY's 8,000-byte limit.
-- `at` is the sender's clock in epoch milliseconds, for latency measurement.

CREATE OR REPLACE FUNCTION run_events_notify_run() RETURNS trigger AS $$
DECLARE
  kind TEXT;
  rec RECORD;
BEGIN
  IF TG_OP = 'INSERT' THEN
    kind := 'created'; rec := NEW;
  ELSIF TG_OP = 'DELETE' THEN
    kind := 'deleted'; rec := OLD;
  ELSE
    -- A heartbeat alone is not news.
    IF (to_jsonb(NEW) - 'heartbeatAt') = (to_jsonb(OLD) - 'heartbeatAt') THEN
      RETURN NEW;
    END IF;
    kind := CASE WHEN NEW."status" IS DISTINCT FROM OLD."status" THEN 'status' ELSE 'updated' END;
    rec := NEW;
  END IF;
  PERFORM pg_notify('run_events', json_build_object(
    'type', 'run', 'kind', kind, 'runId', rec."id", 'status', rec."status",
    'at', floor(extract(epoch FROM clock_timestamp()) * 1000))::text);
  RETURN rec;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Run_notify"
  AFTER INSERT OR UPDATE OR DELETE ON "Run"
  FOR EACH ROW EXECUTE FUNCTION run_events_notify_run();

CREATE OR REPLACE FUNCTION run_events_notify_epoch() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('run_events', json_build_object(
    'type', 'epoch', 'runId', NEW."runId", 'epoch', row_to_json(NEW),
    'at', floor(extract(epoch FROM clock_timestamp()) * 1000))::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Epoch_notify"
  AFTER INSERT ON "Epoch"
  FOR EACH ROW EXECUTE FUNCTION run_events_notify_epoch();
