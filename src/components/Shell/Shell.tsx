import {
  Avatar,
  Badge,
  Button,
  Popover,
  PopoverSurface,
  PopoverTrigger,
  Tab,
  TabList,
  Text,
  Toaster,
} from '@fluentui/react-components';
import { BotRegular } from '@fluentui/react-icons/svg/bot';
import { CheckmarkCircleRegular } from '@fluentui/react-icons/svg/checkmark-circle';
import { DocumentSearchRegular } from '@fluentui/react-icons/svg/document-search';
import { HistoryRegular } from '@fluentui/react-icons/svg/history';
import { ShieldErrorRegular } from '@fluentui/react-icons/svg/shield-error';
import { ShieldTaskRegular } from '@fluentui/react-icons/svg/shield-task';
import { Suspense, useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { TOASTER_ID } from '../../app/toaster.js';
import {
  AgentPage,
  AgentsPage,
  ApprovalsPage,
  AuditPage,
  HuntingPage,
  IncidentPage,
  IncidentsPage,
  retryFailedPages,
} from '../../app/pages.js';
import { ROLE_LABEL } from '../../format.js';
import { useRouter } from '../../router/Router.js';
import { DEFAULT_PATH, sectionOf, type Route, type Section } from '../../router/routes.js';
import { useServerChanges } from '../../session/Changes.js';
import { useSession } from '../../session/Session.js';
import { DevBanner } from '../DevBanner/DevBanner.js';
import { OfflineBanner } from '../OfflineBanner/OfflineBanner.js';
import { PageErrorBoundary } from '../PageErrorBoundary/PageErrorBoundary.js';
import { EmptyState, LoadingState } from '../PageState/PageState.js';
import { useShellStyles } from './useShellStyles.styles.js';

const SECTIONS: { value: Section; label: string; icon: ReactElement }[] = [
  { value: 'agents', label: 'Agents', icon: <BotRegular /> },
  { value: 'incidents', label: 'Incidents', icon: <ShieldErrorRegular /> },
  { value: 'approvals', label: 'Approvals', icon: <CheckmarkCircleRegular /> },
  { value: 'audit', label: 'Audit', icon: <HistoryRegular /> },
  { value: 'hunting', label: 'Hunting', icon: <DocumentSearchRegular /> },
];

function titleOf(route: Route): string {
  switch (route.name) {
    case 'agent':
      return 'Agent';
    case 'incident':
      return 'Incident';
    case 'notFound':
      return 'Not found';
    default:
      return SECTIONS.find((s) => s.value === route.name)?.label ?? 'Agent Warden';
  }
}

function PageFor({ route }: { route: Route }) {
  switch (route.name) {
    case 'agents':
      return <AgentsPage />;
    case 'agent':
      return <AgentPage agentId={route.id} />;
    case 'incidents':
      return <IncidentsPage />;
    case 'incident':
      return <IncidentPage incidentId={route.id} />;
    case 'approvals':
      return <ApprovalsPage />;
    case 'audit':
      return <AuditPage />;
    case 'hunting':
      return <HuntingPage />;
    default:
      return <EmptyState title="Page not found">Nothing lives at {route.path}.</EmptyState>;
  }
}

const DEV_BANNER_HIDDEN_KEY = 'warden.devBannerHidden';

/** Whether the person hid the development sign-in banner, for this browser tab's session. */
function useDevBannerHidden(): [boolean, (hidden: boolean) => void] {
  const [hidden, setHidden] = useState(() => {
    try {
      return window.sessionStorage.getItem(DEV_BANNER_HIDDEN_KEY) === '1';
    } catch {
      return false;
    }
  });
  const set = useCallback((next: boolean) => {
    setHidden(next);
    try {
      if (next) window.sessionStorage.setItem(DEV_BANNER_HIDDEN_KEY, '1');
      else window.sessionStorage.removeItem(DEV_BANNER_HIDDEN_KEY);
    } catch {
      // storage refused (privacy mode): hidden until the next load only
    }
  }, []);
  return [hidden, set];
}

/** The frame around every page: navigation, who is signed in, the dev sign-in banner, the toasts. */
export function Shell() {
  const styles = useShellStyles();
  const { route, pathname, navigate } = useRouter();
  const { me, devUser, switchPersona } = useSession();

  const mainRef = useRef<HTMLElement>(null);
  const { reconnects } = useServerChanges();
  const [bannerHidden, setBannerHidden] = useDevBannerHidden();
  const roleNames = me.roles.map((role) => ROLE_LABEL[role]).join(', ');

  useEffect(() => {
    if (pathname === '/' || pathname === '') navigate(DEFAULT_PATH + window.location.search, { replace: true });
  }, [pathname, navigate]);

  useEffect(() => {
    document.title = `${titleOf(route)} · Agent Warden`;
    // Opening a row or a link unmounts what had focus; continue from the new page, not from <body>.
    if (document.activeElement === document.body || document.activeElement === null) {
      mainRef.current?.focus({ preventScroll: true });
    }
  }, [route]);

  const section = sectionOf(route);
  return (
    <div className={styles.root}>
      <header className={styles.header}>
        <div className={styles.brand}>
          <ShieldTaskRegular fontSize={24} aria-hidden />
          <Text as="span" weight="semibold" size={400} className={styles.brandName}>
            Agent Warden
          </Text>
        </div>
        <nav className={styles.nav} aria-label="Sections">
          <TabList
            selectedValue={section ?? ''}
            onTabSelect={(_, data) => navigate(`/${String(data.value)}`)}
            size="medium"
          >
            {SECTIONS.map((s) => (
              <Tab key={s.value} value={s.value} icon={s.icon}>
                <span className={s.value === section ? undefined : styles.tabLabel}>{s.label}</span>
              </Tab>
            ))}
          </TabList>
        </nav>
        {devUser && bannerHidden ? (
          // The development sign-in stays visible on every page, as a badge once the banner is hidden.
          <Button
            size="small"
            appearance="outline"
            className={styles.devBadge}
            aria-label="Development sign-in: show the notice"
            onClick={() => setBannerHidden(false)}
          >
            Dev
          </Button>
        ) : null}
        <div className={styles.user}>
          <Text>{me.displayName}</Text>
          {me.roles.map((role) => (
            <Badge key={role} appearance="outline" color="informative">
              {ROLE_LABEL[role]}
            </Badge>
          ))}
        </div>
        {/* On a phone the name and role move behind the person's initials, so the header keeps one row. */}
        <Popover positioning="below-end" withArrow>
          <PopoverTrigger disableButtonEnhancement>
            <Button
              appearance="transparent"
              className={styles.userCompact}
              aria-label={`${me.displayName}, ${roleNames}`}
              icon={<Avatar name={me.displayName} size={28} color="brand" aria-hidden />}
            />
          </PopoverTrigger>
          <PopoverSurface aria-label="Signed in as" className={styles.userCard}>
            <Text weight="semibold">{me.displayName}</Text>
            <Text size={200}>{me.upn}</Text>
            <div className={styles.roles}>
              {me.roles.map((role) => (
                <Badge key={role} appearance="outline" color="informative">
                  {ROLE_LABEL[role]}
                </Badge>
              ))}
            </div>
          </PopoverSurface>
        </Popover>
      </header>
      {devUser && !bannerHidden ? (
        <div className={styles.banner}>
          <DevBanner
            displayName={me.displayName}
            upn={me.upn}
            onSwitch={switchPersona}
            onDismiss={() => setBannerHidden(true)}
          />
        </div>
      ) : null}
      <OfflineBanner className={styles.banner} />
      <main className={styles.main} ref={mainRef} tabIndex={-1} aria-label={titleOf(route)}>
        <PageErrorBoundary resetKey={`${pathname}#${reconnects}`} onReset={retryFailedPages}>
          <Suspense fallback={<LoadingState label="Loading page" />}>
            <PageFor route={route} />
          </Suspense>
        </PageErrorBoundary>
      </main>
      <Toaster toasterId={TOASTER_ID} position="bottom-end" pauseOnHover pauseOnWindowBlur />
    </div>
  );
}
