@echo off
rem Runs the magpie program on Windows from the unpacked release archive: bin\magpie.cmd serve, bin\magpie.cmd --help.
rem The twin of bin/magpie (POSIX shell): the same jar (lib\magpie.jar), the same JVM options before MAGPIE_JAVA_OPTS
rem (which can add to or override them), the arguments passed on unchanged, and the broker's state under the
rem unpacked directory (MAGPIE_HOME\data) unless --config or --data-dir or MAGPIE_DATA_DIR says otherwise.
rem
rem   MAGPIE_HOME       the unpacked directory (default: the parent of this script's folder)
rem   MAGPIE_JAR        a jar to run instead of MAGPIE_HOME\lib\magpie.jar
rem   MAGPIE_JAVA_OPTS  JVM options, e.g. set MAGPIE_JAVA_OPTS=-Xmx512m
rem   JAVA_HOME         the Java 17+ runtime to use (else java on the PATH)
setlocal

if not defined MAGPIE_HOME set "MAGPIE_HOME=%~dp0.."
set "MAGPIE_RUN_JAR=%MAGPIE_HOME%\lib\magpie.jar"
if defined MAGPIE_JAR set "MAGPIE_RUN_JAR=%MAGPIE_JAR%"
if not exist "%MAGPIE_RUN_JAR%" (
  echo bin\magpie.cmd: %MAGPIE_RUN_JAR% is not a file ^(set MAGPIE_HOME to the unpacked archive^) 1>&2
  exit /b 1
)
if /i "%~1"=="bench" (
  echo bin\magpie.cmd: the load generator is not in the release archive; run bin/magpie bench from a source checkout 1>&2
  exit /b 2
)

set "MAGPIE_JAVA=java"
if defined JAVA_HOME set "MAGPIE_JAVA=%JAVA_HOME%\bin\java.exe"

rem The data directory: MAGPIE_HOME\data unless an argument or MAGPIE_DATA_DIR names one (bin/magpie does the same).
set "MAGPIE_PLACE_GIVEN="
call :scan %*
if not defined MAGPIE_PLACE_GIVEN if not defined MAGPIE_DATA_DIR set "MAGPIE_DATA_DIR=%MAGPIE_HOME%\data"

rem The JVM options of bin/magpie (docs/operations.md, "Memory"): exit on OutOfMemoryError so the service manager
rem restarts a fresh broker; a heap that starts at 16 MB; the serial collector on one or two CPUs; Netty's leak
rem detector off. Each is left out when MAGPIE_JAVA_OPTS sets its own.
set "MAGPIE_JVM=-XX:+ExitOnOutOfMemoryError"
echo. %MAGPIE_JAVA_OPTS% | findstr /c:"-Xms" >nul || set "MAGPIE_JVM=%MAGPIE_JVM% -Xms16m"
echo. %MAGPIE_JAVA_OPTS% | findstr /c:"GC" >nul || if %NUMBER_OF_PROCESSORS% LEQ 2 set "MAGPIE_JVM=%MAGPIE_JVM% -XX:+UseSerialGC"
echo. %MAGPIE_JAVA_OPTS% | findstr /c:"leakDetection" >nul || set "MAGPIE_JVM=%MAGPIE_JVM% -Dio.netty.leakDetection.level=disabled"

"%MAGPIE_JAVA%" %MAGPIE_JVM% %MAGPIE_JAVA_OPTS% -jar "%MAGPIE_RUN_JAR%" %*
exit /b %ERRORLEVEL%

:scan
if "%~1"=="" goto :eof
if /i "%~1"=="--config" set "MAGPIE_PLACE_GIVEN=yes"
if /i "%~1"=="--data-dir" set "MAGPIE_PLACE_GIVEN=yes"
shift
goto scan
