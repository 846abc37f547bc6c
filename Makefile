# swift-saml: the two commands README's Quick start gives, and their helpers.
.PHONY: quickstart test deps build link

# Packages that depend on this one by path reach it through .build-link/swift-saml, so that its package identity is
# "swift-saml" whatever the clone's folder is called.
link:
	@mkdir -p .build-link && ln -sfn .. .build-link/swift-saml

# The main job: SP metadata and a login URL from the bundled Azure-AD-shaped IdP metadata.
quickstart:
	@scripts/install-deps.sh build
	@swift build --product saml
	@scripts/quickstart.sh

# The package traits the test run turns on (SE-0450): the store modules and their conformance suite against a
# throw-away PostgreSQL cluster (scripts/postgres.sh run starts it, sets SAML_TEST_POSTGRES_URL, stops it).
TEST_TRAITS ?= SQLite,Postgres,Hummingbird,Vapor

# The tests: install what they need, build (the default build: no traits), run every suite with TEST_TRAITS on, then
# prove that an app depending on swift-saml without traits resolves none of the optional packages.
test:
	@scripts/install-deps.sh test
	swift build
	scripts/postgres.sh run swift test --traits $(TEST_TRAITS)
	@mkdir -p .build-link && ln -sfn .. .build-link/swift-saml
	swift build --package-path Tests/DependentPackage
	Tests/DependentPackage/.build/debug/DependentCheck Fixtures/metadata/azure-ad.xml
	scripts/check-dependent-package.sh
	scripts/check-snippets.sh --traits $(TEST_TRAITS)

# The store conformance suite alone (in-memory, SQLite, PostgreSQL on a throw-away cluster).
.PHONY: test-stores
test-stores:
	scripts/postgres.sh run swift test --traits $(TEST_TRAITS) --filter SAMLStoreTests

deps:
	@scripts/install-deps.sh test

build:
	@scripts/install-deps.sh build
	swift build

# The multi-organisation app (Examples/TenantsApp) with SimpleSAMLphp as the IdP of a first organisation on
# 127.0.0.1: prints the admin console URL and token; Ctrl-C stops both.
.PHONY: demo demo-sp serve e2e
demo:
	@scripts/e2e/tenants-demo.sh

# The single-IdP Hummingbird example SP signing in through SimpleSAMLphp (Examples/README.md).
demo-sp:
	@scripts/e2e/demo.sh

# The multi-organisation app, non-interactively: SQLite under SAML_STATE_DIR (default .state/serve), DATABASE_URL
# for PostgreSQL, SAML_ADMIN_TOKEN the bootstrap admin token, SP_BASE_URL/SP_HOST/SP_PORT; GET /healthz when ready.
serve:
	@scripts/serve.sh

# The end-to-end suite: the example SP against SimpleSAMLphp and pysaml2, driven in headless Chromium (Tests/E2E).
e2e:
	@Tests/E2E/run.sh

# Issue 6 tooling: sanitizers and fuzz run in CI (.ci/run) after the tests and the E2E suite.
.PHONY: sanitizers fuzz bench
# The test suite under AddressSanitizer (with LeakSanitizer) and ThreadSanitizer.
sanitizers:
	@scripts/ci-sanitizers.sh
# libFuzzer over validate, the Redirect decoder and metadata, for FUZZ_SECONDS (default 120).
fuzz:
	@scripts/ci-fuzz.sh
# The benchmark against the C floor (Benchmarks/README.md).
bench:
	@Benchmarks/run.sh
# The ACS load test over HTTP, SQLite and PostgreSQL, against bare validate (Benchmarks/README.md, issue 13).
load:
	@Benchmarks/load.sh
