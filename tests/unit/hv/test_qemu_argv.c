/*
 * Golden tests of qemu_argv_build(): every tests/golden/hv/NAME.json (the
 * VM's records and host settings) must give exactly NAME.args (one argument
 * per line; for an input that must be refused, one line "ERROR <desc>").
 * OVCP_REGEN=1 rewrites the .args files instead; read the diff before
 * committing it.
 *
 * Input: {"host": {accel, run_dir, kernel_dir, qmp_fd}, "vm": VM record,
 *         "vbds": [{"vbd", "vdi", "path", "format"}], "vifs": [{"vif", "network"}]}
 * The kernel is "resolved" lexically here (kernel_dir/PV_kernel): the real
 * confinement check is qemu_boot_resolve(), tested in test_qemu_boot.c.
 */
#include "hv/qemu_argv.h"
#include "tap.h"

#include "common/buf.h"
#include "common/util.h"

#include <dirent.h>
#include <stdlib.h>

static const char *golden_dir;
static bool regen;

static char *lexical_join(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;

	if (*name == '\0')
		return NULL;
	if (name[0] == '/')
		buf_puts(&b, name);
	else
		buf_printf(&b, "%s/%s", dir, name);
	return buf_steal(&b);
}

/* The argv (or the error) of one input, as the .args text. */
static char *render(json_t *input)
{
	json_t *host = json_object_get(input, "host"), *vm = json_object_get(input, "vm");
	json_t *vbds = json_object_get(input, "vbds"), *vifs = json_object_get(input, "vifs");
	const char *kdir = json_string_value(json_object_get(host, "kernel_dir"));
	size_t nd = json_array_size(vbds), nn = json_array_size(vifs);
	struct qemu_disk *disks = calloc(nd + 1, sizeof(*disks));
	struct qemu_nic *nics = calloc(nn + 1, sizeof(*nics));
	struct qemu_boot boot = {
	    lexical_join(kdir ? kdir : "", json_string_value(json_object_get(vm, "PV_kernel")) ?: ""),
	    lexical_join(kdir ? kdir : "", json_string_value(json_object_get(vm, "PV_ramdisk")) ?: ""),
	};
	struct qemu_vm in = {.vm = vm, .disks = disks, .n_disks = nd, .nics = nics, .n_nics = nn, .boot = &boot};
	struct qemu_argv out;
	struct err e = {0};
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < nd; i++) {
		json_t *d = json_array_get(vbds, i), *vdi = json_object_get(d, "vdi");

		disks[i].vbd = json_object_get(d, "vbd");
		disks[i].vdi = json_is_object(vdi) ? vdi : NULL;
		disks[i].path = json_string_value(json_object_get(d, "path"));
		disks[i].format = json_string_value(json_object_get(d, "format"));
	}
	for (size_t i = 0; i < nn; i++) {
		json_t *n = json_array_get(vifs, i);

		nics[i].vif = json_object_get(n, "vif");
		nics[i].bridge = json_string_value(json_object_get(json_object_get(n, "network"), "bridge"));
	}
	in.host.accel = json_string_value(json_object_get(host, "accel"));
	in.host.run_dir = json_string_value(json_object_get(host, "run_dir"));
	in.host.qemu_binary = json_string_value(json_object_get(host, "qemu_binary"));
	in.host.qmp_fd = (int)json_integer_value(json_object_get(host, "qmp_fd"));
	if (qemu_argv_build(&in, &out, &e) < 0) {
		char *desc = json_dumps(e.desc, JSON_COMPACT);

		buf_printf(&b, "ERROR %s\n", desc);
		free(desc);
		CHECK(out.argc == 0 && out.argv == NULL);
	} else {
		CHECK(out.argv[out.argc] == NULL);
		for (size_t i = 0; i < out.argc; i++)
			buf_printf(&b, "%s\n", out.argv[i]);
	}
	qemu_argv_free(&out);
	err_clear(&e);
	qemu_boot_free(&boot);
	free(disks);
	free(nics);
	return buf_steal(&b);
}

static void report_difference(const char *name, const char *got, const char *want)
{
	const char *g = got, *w = want, *g_line = got, *w_line = want;
	int line = 1;

	while (*g && *g == *w) {
		if (*g == '\n') {
			line++;
			g_line = g + 1;
			w_line = w + 1;
		}
		g++;
		w++;
	}
	printf("# %s.args differs at line %d:\n#   got:  %.*s\n#   want: %.*s\n", name, line,
	       (int)strcspn(g_line, "\n"), g_line, (int)strcspn(w_line, "\n"), w_line);
}

static int check_case(const char *name)
{
	char path[4096];
	json_error_t jerr;
	json_t *input;
	char *got, *want;
	int ok;

	snprintf(path, sizeof(path), "%s/%s.json", golden_dir, name);
	input = json_load_file(path, 0, &jerr);
	if (input == NULL) {
		printf("# %s: %s (line %d)\n", path, jerr.text, jerr.line);
		return 0;
	}
	got = render(input);
	json_decref(input);
	snprintf(path, sizeof(path), "%s/%s.args", golden_dir, name);
	if (regen) {
		ok = file_write_atomic(path, got, strlen(got), 0644) == 0;
		free(got);
		return ok;
	}
	want = file_read_all(path, NULL);
	ok = want != NULL && strcmp(got, want) == 0;
	if (want == NULL)
		printf("# %s missing (run with OVCP_REGEN=1)\n", path);
	else if (!ok)
		report_difference(name, got, want);
	free(got);
	free(want);
	return ok;
}

static int name_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	char *names[256];
	size_t n = 0;
	DIR *d;
	struct dirent *de;

	(void)tap_skip_reason; /* one TAP point per golden case, not TAP_RUN */
	golden_dir = argc > 1 ? argv[1] : "tests/golden/hv";
	regen = getenv("OVCP_REGEN") != NULL && strcmp(getenv("OVCP_REGEN"), "1") == 0;
	d = opendir(golden_dir);
	if (d == NULL) {
		printf("Bail out! cannot open %s\n", golden_dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL && n < 256) {
		size_t len = strlen(de->d_name);

		if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0)
			names[n++] = strndup(de->d_name, len - 5);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_compare);
	for (size_t i = 0; i < n; i++) {
		tap_count++;
		if (check_case(names[i]) && !tap_current_failed) {
			printf("ok %d - %s%s\n", tap_count, names[i], regen ? " # regenerated" : "");
		} else {
			printf("not ok %d - %s\n", tap_count, names[i]);
			tap_failed_points++;
		}
		tap_current_failed = 0;
		free(names[i]);
	}
	if (n < 10) {
		printf("not ok %d - at least 10 golden cases (found %zu)\n", ++tap_count, n);
		tap_failed_points++;
	}
	return tap_done();
}
