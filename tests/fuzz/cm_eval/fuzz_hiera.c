/*
 * libFuzzer target: Hiera 5 (src/cm/eval/hiera.c) as a compilation uses it:
 * hiera.yaml and a data file read with libyaml and converted to Puppet
 * values by our code, then looked up with each merge strategy, with
 * interpolation, and the results rendered into the catalog.
 *
 * hiera.c reads files only (yaml_read takes a path), so the input is written
 * to a private temporary environment for each run: the bytes before a line
 * "#%%data" are hiera.yaml (without that line, a fixed configuration is
 * used), the bytes after it are data/common.yaml. The compilation must end
 * in a catalog or an error message, never a crash, a leak or a hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm/eval/compile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char default_config[] = "---\nversion: 5\ndefaults:\n  datadir: data\n  data_hash: yaml_data\n"
				     "hierarchy:\n  - name: node\n    path: \"nodes/%{trusted.certname}.yaml\"\n"
				     "  - name: common\n    paths: [\"common.yaml\"]\n";

static const char code[] = "$a = lookup('a', undef, undef, 'none')\n"
			   "$b = lookup('b::c', undef, 'deep', {})\n"
			   "$c = lookup('list', undef, 'unique', [])\n"
			   "$d = lookup('h', undef, 'hash', {})\n"
			   "$e = lookup('x.y.0', undef, undef, 'none')\n"
			   "$f = lookup({'name' => 'a', 'merge' => 'deep', 'default_value' => 1})\n"
			   "notice(\"${a} ${b} ${c} ${d} ${e} ${f}\")\n";

static char dir[256], data_dir[320], config_path[320], common_path[340];

static void cleanup(void)
{
	unlink(common_path);
	unlink(config_path);
	rmdir(data_dir);
	rmdir(dir);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/ovcp-fuzz-hiera-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(data_dir, sizeof(data_dir), "%s/data", dir);
	snprintf(config_path, sizeof(config_path), "%s/hiera.yaml", dir);
	snprintf(common_path, sizeof(common_path), "%s/common.yaml", data_dir);
	if (mkdir(data_dir, 0700) < 0)
		abort();
	atexit(cleanup);
}

static void write_file(const char *path, const void *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || (len && fwrite(bytes, 1, len, f) != len) || fclose(f) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "#%%data\n";
	const uint8_t *split = NULL;
	struct cm_compile_options opt = { 0 };
	struct cm_diag diag = { 0 };
	json_t *catalog = NULL;

	if (dir[0] == '\0')
		setup();
	for (size_t i = 0; i + sizeof(sep) - 1 <= size && split == NULL; i++)
		if ((i == 0 || data[i - 1] == '\n') && memcmp(data + i, sep, sizeof(sep) - 1) == 0)
			split = data + i;
	if (split != NULL) {
		write_file(config_path, data, (size_t)(split - data));
		write_file(common_path, split + sizeof(sep) - 1, size - (size_t)(split - data) - (sizeof(sep) - 1));
	} else {
		write_file(config_path, default_config, strlen(default_config));
		write_file(common_path, data, size);
	}
	opt.code = code;
	opt.node = "fuzz.example.com";
	opt.environment_dir = dir;
	opt.deterministic = true;
	int rc = cm_compile(&opt, &catalog, &diag);
	if ((rc == 0) != (catalog != NULL) || (rc != 0 && diag.error == NULL))
		abort();
	json_decref(catalog);
	cm_diag_clear(&diag);
	return 0;
}
