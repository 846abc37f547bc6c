# swift-saml: the two commands README's Quick start gives, and their helpers.
.PHONY: quickstart test deps build

# The main job: SP metadata and a login URL from the bundled Azure-AD-shaped IdP metadata.
quickstart:
	@scripts/install-deps.sh build
	@swift build --product saml
	@scripts/quickstart.sh

# The tests: install what they need, build, run every suite.
test:
	@scripts/install-deps.sh test
	swift build
	swift test

deps:
	@scripts/install-deps.sh test

build:
	@scripts/install-deps.sh build
	swift build
