import type { TestMailContent } from '../../core/mailings/test-mail';
import { type RenderedMail, renderHouseMail } from './house';

/** The organiser's test mail in the house template, with why the reader gets it. */
export const testMailRenderer =
  (siteUrl: string) =>
  (content: TestMailContent): RenderedMail =>
    renderHouseMail({
      ...content,
      reason: 'Je ontvangt deze testmail omdat je hem zelf hebt verstuurd als organisator van Drop In.',
      siteUrl,
    });
