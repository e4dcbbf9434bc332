#!/bin/sh
# Create egov's Secrets in a namespace from random values (or your managed endpoints), never printing
# them and never writing them into a manifest. Re-running keeps Secrets that exist (rotate by deleting).
#
#   deploy/kubernetes/make-secrets.sh egov                                  # CloudNativePG + in-cluster Redis
#   deploy/kubernetes/make-secrets.sh egov --database-url-file db.url --redis-url-file redis.url   # managed
#       [--database-read-url-file ro.url]   the managed database's replica endpoint(s) (else reads use the primary)
#   S3 backups: --s3-access-key-file F --s3-secret-key-file F (else egov-backup-s3 is left for you to create)
#
# Secrets (the manifests mount them as files; nothing reads them from environment variables):
#   egov-app        database_url, database_read_url, redis_url, ops_token   (the API, the jobs; ops_token opens
#                   /metrics; database_read_url: the replicas through egov-db-pooler-ro, may be empty)
#   egov-redis      redis_password                       (the Redis StatefulSet)
#   egov-db-owner   username, password (basic-auth)      (CloudNativePG bootstrap: the egov owner role)
#   egov-backup-s3  ACCESS_KEY_ID, ACCESS_SECRET_KEY     (CloudNativePG backups)
set -eu

usage() { sed -n '2,15p' "$0"; exit 2; }
[ $# -ge 1 ] || usage
ns=$1; shift
db_url_file=""; db_read_url_file=""; redis_url_file=""; s3_key_file=""; s3_secret_file=""
while [ $# -gt 0 ]; do
    case "$1" in
        --database-url-file) db_url_file=$2; shift 2 ;;
        --database-read-url-file) db_read_url_file=$2; shift 2 ;;
        --redis-url-file) redis_url_file=$2; shift 2 ;;
        --s3-access-key-file) s3_key_file=$2; shift 2 ;;
        --s3-secret-key-file) s3_secret_file=$2; shift 2 ;;
        *) usage ;;
    esac
done

work=$(mktemp -d)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT INT TERM

random() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40; }
exists() { kubectl -n "$ns" get secret "$1" >/dev/null 2>&1; }
apply() {  # name, then --from-file arguments: the values travel as files, never as arguments
    name=$1; shift
    if exists "$name"; then echo "kept   secret/$name (exists; delete it to rotate)"; return; fi
    kubectl -n "$ns" create secret generic "$name" "$@" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
    echo "made   secret/$name"
}

random > "$work/pg"
random > "$work/redis"
random > "$work/ops_token"
printf egov > "$work/username"
if [ -n "$db_url_file" ]; then
    cp "$db_url_file" "$work/database_url"
else
    printf 'postgresql://egov:%s@egov-db-pooler-rw:5432/egov' "$(cat "$work/pg")" > "$work/database_url"
fi
# The read replicas: the same role through the ro pooler; a managed database's replica endpoint(s); or empty
# (the app then reads from database_url).
read_url() {  # the database_url file -> the database_read_url file
    if [ -n "$db_read_url_file" ]; then
        cp "$db_read_url_file" "$2"
    elif grep -q '@egov-db-pooler-rw:' "$1"; then
        sed 's/@egov-db-pooler-rw:/@egov-db-pooler-ro:/' "$1" > "$2"
    else
        : > "$2"
    fi
}
read_url "$work/database_url" "$work/database_read_url"
if [ -n "$redis_url_file" ]; then
    cp "$redis_url_file" "$work/redis_url"
else
    printf 'redis://:%s@egov-redis:6379/0' "$(cat "$work/redis")" > "$work/redis_url"
fi

# Made together: the app's URLs carry the passwords of the owner role and of Redis.
if exists egov-app; then
    echo "kept   secret/egov-app and the passwords it carries (delete egov-app, egov-db-owner, egov-redis to rotate)"
    # Made before the app read from replicas: add database_read_url (derived from its own database_url).
    if ! kubectl -n "$ns" get secret egov-app -o jsonpath='{.data}' | grep -q '"database_read_url"'; then
        kubectl -n "$ns" get secret egov-app -o jsonpath='{.data.database_url}' | base64 -d > "$work/old_url"
        read_url "$work/old_url" "$work/database_read_url"
        printf '{"data":{"database_read_url":"%s"}}' "$(base64 < "$work/database_read_url" | tr -d '\n')" \
            > "$work/patch.json"
        kubectl -n "$ns" patch secret egov-app --type merge --patch-file "$work/patch.json" >/dev/null
        echo "added  database_read_url to secret/egov-app"
    fi
else
    [ -n "$db_url_file" ] || kubectl -n "$ns" delete secret egov-db-owner --ignore-not-found >/dev/null
    [ -n "$redis_url_file" ] || kubectl -n "$ns" delete secret egov-redis --ignore-not-found >/dev/null
    apply egov-app --from-file=database_url="$work/database_url" \
        --from-file=database_read_url="$work/database_read_url" --from-file=redis_url="$work/redis_url" \
        --from-file=ops_token="$work/ops_token"
    if [ -z "$db_url_file" ]; then
        apply egov-db-owner --type=kubernetes.io/basic-auth --from-file=username="$work/username" \
            --from-file=password="$work/pg"
    fi
    [ -n "$redis_url_file" ] || apply egov-redis --from-file=redis_password="$work/redis"
fi
if [ -n "$s3_key_file" ] && [ -n "$s3_secret_file" ]; then
    apply egov-backup-s3 --from-file=ACCESS_KEY_ID="$s3_key_file" --from-file=ACCESS_SECRET_KEY="$s3_secret_file"
fi
