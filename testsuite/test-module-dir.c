// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * path_module_dir(): the module directory path the library context and the tools
 * build, "<root>/<moduledir>/<kver>".
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/utsname.h>

#include "testsuite.h"
#include "lib/util.h"

TEST(module_dir_defaults_to_the_build_directory)
{
	char buf[PATH_MAX];

	CHECK_INT_EQ(path_module_dir(NULL, NULL, "6.1.0-test", buf), 0);
	CHECK_STR_EQ(buf, MODULE_DIRECTORY "/6.1.0-test");
	CHECK_INT_EQ(path_module_dir("", NULL, "6.1.0-test", buf), 0);
	CHECK_STR_EQ(buf, MODULE_DIRECTORY "/6.1.0-test");
	return 0;
}

TEST(module_dir_under_a_root)
{
	char buf[PATH_MAX];

	CHECK_INT_EQ(path_module_dir("sysroot", "/lib/modules", "5.10", buf), 0);
	CHECK_STR_EQ(buf, "sysroot/lib/modules/5.10");
	/* a root given with a trailing slash keeps it, as the tools always did */
	CHECK_INT_EQ(path_module_dir("sysroot/", "/lib/modules", "5.10", buf), 0);
	CHECK_STR_EQ(buf, "sysroot//lib/modules/5.10");
	return 0;
}

/* depmod -m: a relative directory, or one with extra leading slashes */
TEST(module_dir_moduledir_spellings)
{
	char buf[PATH_MAX];

	CHECK_INT_EQ(path_module_dir("sysroot", "usr/lib/modules", "5.10", buf), 0);
	CHECK_STR_EQ(buf, "sysroot/usr/lib/modules/5.10");
	CHECK_INT_EQ(path_module_dir("sysroot", "///usr/lib/modules", "5.10", buf), 0);
	CHECK_STR_EQ(buf, "sysroot/usr/lib/modules/5.10");
	CHECK_INT_EQ(path_module_dir(NULL, "lib/modules", "5.10", buf), 0);
	CHECK_STR_EQ(buf, "/lib/modules/5.10");
	return 0;
}

TEST(module_dir_running_kernel)
{
	char buf[PATH_MAX], want[PATH_MAX];
	struct utsname u;

	CHECK_INT_EQ(uname(&u), 0);
	snprintf(want, sizeof(want), "sysroot/lib/modules/%s", u.release);
	CHECK_INT_EQ(path_module_dir("sysroot", "/lib/modules", NULL, buf), 0);
	CHECK_STR_EQ(buf, want);
	return 0;
}

TEST(module_dir_too_long)
{
	char buf[PATH_MAX], kver[PATH_MAX];

	/* one character more than fits with "/lib/modules/" and the NUL */
	memset(kver, 'k', sizeof(kver));
	kver[PATH_MAX - strlen("/lib/modules/")] = '\0';
	CHECK_INT_EQ(path_module_dir(NULL, "/lib/modules", kver, buf), -ENAMETOOLONG);
	/* exactly PATH_MAX - 1 characters still fit */
	kver[PATH_MAX - 1 - strlen("/lib/modules/")] = '\0';
	CHECK_INT_EQ(path_module_dir(NULL, "/lib/modules", kver, buf), 0);
	CHECK_INT_EQ(strlen(buf), PATH_MAX - 1);
	return 0;
}

TEST_MAIN()
